"""Moderators add, remove and restore articles from Discord; members see the answers change (through the fake)."""

from __future__ import annotations

import gzip

import pytest

from fake_discord import FakeDiscord, Upload
from tests.bot.test_discord import EPHEMERAL, assert_allows_no_mentions, running
from tests.conftest import SEEDS

LUNAR = Upload("lunar.md", (
    "---\ntitle: \"Lunar Greenhouse: @everyone Cheers\"\nauthors: [Rosa Diaz]\n---\n\n"
    "Astronauts harvested twelve heads of lettuce grown in regolith under LED lamps.\n").encode(), "text/markdown")
LETTUCE_Q = "How many heads of lettuce did the astronauts harvest?"
SUDAN_Q = "How long was Omar al-Bashir in power?"
SUDAN_ID = "in-sudan-a-surprise-about-face-marks-death-of-the-revolution"


async def slash(fake: FakeDiscord, name: str, options: dict, user=None) -> dict:
    return await (await fake.invoke_slash(name, options, user=user or fake.moderator)).answer(timeout=10)


async def ask(fake: FakeDiscord, question: str) -> dict:
    return await slash(fake, "ask", {"question": question}, user=fake.member)


def quoted(answer: dict) -> str:
    return answer["embeds"][0]["description"] if answer.get("embeds") else answer["content"]


def added_files(content) -> list[str]:
    folder = content.parent / "data" / "articles"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def test_a_moderator_adds_a_file_and_members_are_answered_from_it(fake_discord, content):
    async with running(fake_discord, content) as bot:
        before = await ask(fake_discord, LETTUCE_Q)
        reply = await slash(fake_discord, "add", {"file": LUNAR})
        after = await ask(fake_discord, LETTUCE_Q)
        again = await slash(fake_discord, "add", {"file": LUNAR})
        count = len(bot.content.library.articles)
    assert "couldn't find" in before["content"]
    assert reply["flags"] & EPHEMERAL
    assert reply["content"].startswith("Added *Lunar Greenhouse: @everyone Cheers* (1 passage)")
    assert "twelve heads of lettuce" in quoted(after) and after["embeds"][0]["title"].startswith("Lunar Greenhouse")
    assert again["content"].startswith("Replaced *Lunar Greenhouse") and count == 3
    assert len(added_files(content)) == 1 and sorted(p.name for p in content.iterdir()) == sorted(
        p.name for p in SEEDS.iterdir())  # nothing written into the operator's folder
    assert_allows_no_mentions(fake_discord)


@pytest.mark.parametrize(("upload", "why"), [
    (Upload("huge.md", b"# Huge\n\n" + b"word " * (2 * 2**20)), "too large"),
    (Upload("photo.png", b"\x89PNG\r\n\x1a\n"), "can't read that type"),
    (Upload("blob.txt", b"\x00\x01\x02binary"), "binary file"),
    (Upload("empty.md", b"   \n"), "empty file"),
    (Upload("nothing.json", b"[]"), "no usable record"),
    (Upload("broken.gz.md.gz", b"not gzip at all"), "not a readable gzip file"),
])
async def test_a_file_that_cannot_be_added_is_refused_and_nothing_changes(fake_discord, content, upload, why):
    async with running(fake_discord, content, max_upload_bytes=2**20) as bot:
        before = bot.content.library
        refused = await slash(fake_discord, "add", {"file": upload})
        unchanged = bot.content.library is before
    assert refused["flags"] & EPHEMERAL and why in refused["content"] and "Nothing was added" in refused["content"]
    assert unchanged and added_files(content) == []
    if why == "too large":
        assert list(fake_discord.cdn.downloads) == []  # refused by its size, never downloaded


async def test_a_gzipped_dump_of_several_articles_is_added_whole(fake_discord, content):
    dump = gzip.compress((SEEDS / "000_53ac65de5c9a03b2.txt").read_bytes())
    async with running(fake_discord, content) as bot:
        reply = await slash(fake_discord, "add", {"file": Upload("dump.txt.gz", dump)})
        ids = sorted(bot.content.library.added_ids)
    assert reply["content"].startswith("Added *") and len(ids) == len(added_files(content)) >= 1
    assert all(i.endswith("-2") for i in ids)  # the same articles as the operator's, under their own ids


async def test_removing_an_added_article_deletes_it(fake_discord, content):
    async with running(fake_discord, content) as bot:
        await slash(fake_discord, "add", {"file": LUNAR})
        [added] = bot.content.library.added_ids
        removed = await slash(fake_discord, "remove", {"article": added})
        after = await ask(fake_discord, LETTUCE_Q)
    assert removed["content"].startswith("Removed *Lunar Greenhouse") and "deleted" in removed["content"]
    assert "couldn't find" in after["content"] and added_files(content) == []


async def test_an_operator_article_is_hidden_across_restarts_and_restored(fake_discord, content):
    async with running(fake_discord, content):
        hid = await slash(fake_discord, "remove", {"article": SUDAN_ID})
        gone = await ask(fake_discord, SUDAN_Q)
    async with running(fake_discord, content) as bot:  # a new bot on the same data folder
        still_gone = await ask(fake_discord, SUDAN_Q)
        offered = await (await fake_discord.invoke_autocomplete("restore", {"article": "sudan"}, "article",
                                                                user=fake_discord.moderator)).response()
        restored = await slash(fake_discord, "restore", {"article": offered["data"]["choices"][0]["value"]})
        back = await ask(fake_discord, SUDAN_Q)
        count = len(bot.content.library.articles)
    assert hid["content"].startswith("Hid *In Sudan") and "/restore" in hid["content"]
    assert "couldn't find" in gone["content"] and "couldn't find" in still_gone["content"]
    assert [c["value"] for c in offered["data"]["choices"]] == [SUDAN_ID]
    assert restored["content"].startswith("Restored *In Sudan") and "almost 30 years" in quoted(back)
    assert count == 2 and (content / "000_53ac65de5c9a03b2.txt").exists()


async def test_the_last_article_is_never_removed(fake_discord, content):
    async with running(fake_discord, content) as bot:
        others = [i for i in bot.content.library.articles if i != SUDAN_ID]
        for other in others:
            await slash(fake_discord, "remove", {"article": other})
        kept = await slash(fake_discord, "remove", {"article": SUDAN_ID})
        still = await ask(fake_discord, SUDAN_Q)
    assert others and kept["flags"] & EPHEMERAL and "only article left" in kept["content"]
    assert "almost 30 years" in quoted(still)


async def test_a_damaged_hidden_list_is_reported_and_left_alone(fake_discord, content):
    async with running(fake_discord, content):
        hidden = content.parent / "data" / "hidden.json"
        hidden.parent.mkdir(exist_ok=True)  # the bot made it for its database
        hidden.write_text("{not json")
        refused = await slash(fake_discord, "remove", {"article": SUDAN_ID})
        still = await ask(fake_discord, SUDAN_Q)
    assert refused["flags"] & EPHEMERAL and "hidden.json" in refused["content"]
    assert "Nothing was changed" in refused["content"] and hidden.read_text() == "{not json"
    assert "almost 30 years" in quoted(still)


async def test_members_are_refused_even_when_the_commands_are_visible(fake_discord, content, caplog):
    async with running(fake_discord, content):
        commands = {name: fake_discord.find_command(name) for name in ("add", "remove", "restore")}
        refusals = [await slash(fake_discord, "add", {"file": LUNAR}, user=fake_discord.member),
                    await slash(fake_discord, "remove", {"article": SUDAN_ID}, user=fake_discord.member),
                    await slash(fake_discord, "restore", {"article": SUDAN_ID}, user=fake_discord.member)]
        answered = await ask(fake_discord, SUDAN_Q)
    assert all(int(c["default_member_permissions"]) == 1 << 5 and c["dm_permission"] is False
               for c in commands.values())
    assert all(r["flags"] & EPHEMERAL and "Only moderators" in r["content"] for r in refusals)
    assert "almost 30 years" in quoted(answered) and added_files(content) == []
    assert "refused /add" in caplog.text and str(fake_discord.member.id) not in caplog.text


async def test_remove_offers_the_titles_that_match_what_is_typed(fake_discord, content):
    async def choices(typed: str, user) -> list[str]:
        handle = await fake_discord.invoke_autocomplete("remove", {"article": typed}, "article", user=user)
        return [c["name"] for c in (await handle.response())["data"]["choices"]]

    async with running(fake_discord, content):
        typing = await choices("cyber", fake_discord.moderator)
        everything = await choices("", fake_discord.moderator)
        member = await choices("", fake_discord.member)
    assert typing == ["Why Russia And China See Eye-To-Eye On Cyber Security"]
    assert len(everything) == 2 and member == []
