"""The command line: what `make run` and `python -m bot ...` print."""

import io
import json
import subprocess
import sys

import pytest

from bot.cli import console, main
from tests.conftest import ROOT, SEEDS


@pytest.fixture(autouse=True)
def _no_token(monkeypatch, tmp_path):
    # Keep a developer's own token or .env out of these tests.
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("TOKEN", raising=False)
    # ... and run from an empty folder, so no .env of theirs is read either.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_CONFIG", str(ROOT / "config" / "settings.toml"))
    monkeypatch.setenv("CONTENT_PATH", str(SEEDS))


def test_ask_json_has_the_documented_shape(capsys):
    assert main(["ask", "How long was Omar al-Bashir in power?", "--json", "-k", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"question", "kind", "fact", "no_answer", "answerable", "answers"}
    assert (out["kind"], out["no_answer"]) == ("passage", False) and 1 <= len(out["answers"]) <= 2
    assert 0.5 <= out["answerable"] <= 1.0  # quoted: the model's score reached the threshold
    best = out["answers"][0]
    assert set(best) == {"score", "quote", "highlight", "article"}
    assert set(best["article"]) == {"id", "title", "authors", "source", "url", "date"}
    assert "almost 30 years" in best["quote"] and best["highlight"] in best["quote"]
    assert best["article"]["authors"] == ["Nesrine Malik"]


def test_ask_json_says_no_answer_for_an_off_topic_question(capsys):
    main(["ask", "What is the best recipe for sourdough bread?", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert 0.0 <= out.pop("answerable") < 0.5  # declined: under the threshold
    assert out == {"question": "What is the best recipe for sourdough bread?", "kind": "passage", "fact": "",
                   "no_answer": True, "answers": []}


def test_ask_json_tells_a_fact_about_an_article_from_a_list_of_articles(capsys):
    main(["ask", "Who wrote the piece about cyber security?", "--json"])
    fact = json.loads(capsys.readouterr().out)
    assert (fact["kind"], fact["fact"]) == ("article", "authors")
    assert fact["article"]["authors"] == ["Elena Chernenko", "Vladislav Novyii", "Ivan Safronov"]
    main(["ask", "What articles do you have?", "--json"])
    listing = json.loads(capsys.readouterr().out)
    assert (listing["kind"], listing["fact"], listing["total"]) == ("articles", "catalogue", 2)
    assert len({a["article"]["id"] for a in listing["answers"]}) == len(listing["answers"]) == 2


def test_index_json_lists_articles_passages_and_skipped_files(capsys, tmp_path):
    (tmp_path / "seed.txt").write_bytes((SEEDS / "000_53ac65de5c9a03b2.txt").read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["index", "--content", str(tmp_path), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert set(out) == {"articles", "passages", "skipped"}
    assert [a["title"] for a in out["articles"]][0] == "Why Russia And China See Eye-To-Eye On Cyber Security"
    assert set(out["articles"][0]) == {"id", "title", "authors", "source", "passages"}
    assert out["passages"] == sum(a["passages"] for a in out["articles"])
    assert out["skipped"] == [{"path": "empty.txt", "reason": "empty file", "whole_file": True}]
    assert captured.err == ""  # JSON mode stays quiet


def test_console_prints_each_answer_for_a_terminal_without_discord_markdown(seed_library):
    out = io.StringIO()
    console(seed_library, io.StringIO("How long was Omar al-Bashir in power?\n\nWhat is it?\n"
                                      "What is the best recipe for sourdough bread?\n"), out, k=3)
    shown = out.getvalue()
    first, second, third = shown.strip().split("\n\n")
    assert "almost 30 years in power." in first and "In Sudan, A Surprise About-Face" in first
    assert "by Nesrine Malik" in first and "000_53ac65de5c9a03b2.txt" in first and "passage 2 of 3" in first
    assert "words like what, is and the are left out" in second
    assert third == "I couldn't find a passage that answers that."
    # Piped, as in the README: no Markdown escapes, no bold markers, no terminal codes.
    assert "\\" not in shown and "**" not in shown and "\x1b" not in shown


def test_ask_prints_the_answer_for_a_terminal(capsys):
    assert main(["ask", "How long was Omar al-Bashir in power?"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("\u2502 A little over a month ago") and "000_53ac65de5c9a03b2.txt" in shown
    assert "\\" not in shown and "**" not in shown and "\x1b" not in shown


def test_missing_content_path_is_a_clear_error(capsys, tmp_path):
    assert main(["ask", "anything", "--content", str(tmp_path / "gone")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_invalid_settings_stop_with_the_field_and_the_fix_and_no_traceback(tmp_path):
    env = {"PATH": "", "ANSWER_CHANNEL_IDS": "general", "BOT_CONFIG": str(ROOT / "config" / "settings.toml"),
           "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "bot", "index"], cwd=tmp_path, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert "answer_channel_ids" in result.stderr and "ANSWER_CHANNEL_IDS" in result.stderr
    assert "Traceback" not in result.stderr


def readme_console_example() -> tuple[str, str]:
    """The question piped into `make run` in the README's Quick start, and what it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("$ echo "):]
    block = block[:block.index("```")]
    command, shown = block.split("\n", 1)
    return command.split('"')[1], shown


def test_run_without_a_token_prints_exactly_the_readme_example(tmp_path):
    question, shown = readme_console_example()
    env = {"PATH": "", "BOT_CONFIG": str(ROOT / "config" / "settings.toml"), "HOME": str(tmp_path),
           "CONTENT_PATH": str(SEEDS)}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            input=question + "\n", timeout=60)
    assert result.returncode == 0
    # One line on stderr saying why (no log lines about the saved index), then the answer and a blank line.
    assert result.stderr == "No DISCORD_TOKEN set: answering questions here in the console instead.\n"
    assert result.stderr + result.stdout == shown + "\n"


@pytest.mark.parametrize("argv, complaint", [
    (["ask", "   "], "ask needs a question"),
    (["ask", "Who?", "-k", "0"], "-k: must be a whole number of at least 1"),
    (["ask", "Who?", "-k", "two"], "-k: must be a whole number of at least 1"),
])
def test_ask_without_a_question_or_with_a_bad_k_is_a_usage_error_not_a_no_answer(capsys, argv, complaint):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert complaint in captured.err and "couldn't find" not in captured.out


def test_the_configured_collection_has_what_moderators_added_and_not_what_they_hid(capsys, tmp_path):
    from retrieval import Article, Paragraph
    from retrieval.managed import HiddenArticles, ManagedArticles

    data = tmp_path / ".data"  # data_path's default, below the working directory
    ManagedArticles(data).put("file:owls.md", [Article(id="owls", title="Owls At Night", source="owls.md",
                                                       paragraphs=[Paragraph(text="Owls hunt voles.")])], "mod")
    HiddenArticles(data).hide("in-sudan-a-surprise-about-face-marks-death-of-the-revolution", "In Sudan")
    assert main(["index", "--json"]) == 0
    titles = [a["title"] for a in json.loads(capsys.readouterr().out)["articles"]]
    assert "Owls At Night" in titles and not any(t.startswith("In Sudan") for t in titles)
    (data / "hidden.json").write_text("{oops")
    assert main(["index"]) == 1
    assert "hidden.json" in capsys.readouterr().err and (data / "hidden.json").read_text() == "{oops"


def test_run_refuses_shard_ids_that_are_not_shards_of_the_count_before_connecting(capsys):
    assert main(["run", "--shard-count", "2", "--shard-ids", "1,2"]) == 2
    assert "[2] are not shards of 2" in capsys.readouterr().err
