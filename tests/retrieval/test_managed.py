"""The data folder: added articles written atomically as Markdown the readers read back, and the hidden list."""

import datetime
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import Article, Library, Paragraph
from retrieval.followed_feeds import CONFIGURED, FeedListDamaged, FollowedFeed, FollowedFeeds
from retrieval.managed import HiddenArticles, HiddenListDamaged, ManagedArticles
from retrieval.readers import read_file
from retrieval.readers.shape import iso_date

AT = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.timezone.utc)


def article(title="Lunar Greenhouse", text="Astronauts harvested twelve heads of lettuce.", **fields) -> Article:
    return Article(id=fields.pop("id", "lunar"), title=title, source="upload.md",
                   paragraphs=[Paragraph(text=text)], **fields)


def read_back(managed: ManagedArticles, source: str) -> Article:
    [found] = read_file(managed.root / source, source, [])
    return found


def test_an_added_article_reads_back_with_its_fields_and_where_it_came_from(tmp_path):
    managed = ManagedArticles(tmp_path)
    original = Article(
        id="x", title="Why: A \"Quoted\" Title, @everyone", source="dump.txt", standfirst="The standfirst.",
        authors=["Ana Lima", "Bo Li"], url="https://example.org/a?b=1", date="2021-12-03",
        paragraphs=[Paragraph(text="First."), Paragraph(text="Under a heading.", heading="Part: two")],
    )
    stored = managed.put("file:dump.txt", [original], added_by="mod")
    found = read_back(managed, stored.sources[0])
    assert (found.title, found.authors, found.url, found.date) == (original.title, original.authors, original.url,
                                                                   original.date)
    assert found.text == original.text
    assert [p.heading for p in found.paragraphs] == [None, None, "Part: two"]
    front = (tmp_path / stored.sources[0]).read_text().split("---")[1]
    assert "key: file:dump.txt" in front and "added_by: mod" in front and "added_at:" in front
    assert stored.sources[0].startswith("articles/dump-txt-")


titles = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300).map(
    lambda t: " ".join(t.split())).filter(bool)


@settings(max_examples=200, deadline=None)
@given(title=titles, author=titles, date=titles)
def test_front_matter_round_trips_through_the_markdown_reader(tmp_path_factory, title, author, date):
    managed = ManagedArticles(tmp_path_factory.mktemp("data"))
    stored = managed.put("https://example.org/a", [article(title=title, authors=[author], date=date)], "mod", AT)
    found = read_back(managed, stored.sources[0])
    assert (found.title, found.authors, found.date) == (title, [author], iso_date(date))


@pytest.mark.parametrize(("date", "read"), [("2024-03-05T07:30:00-05:00", "2024-03-05"),
                                             ("Tue, 05 Mar 2024 07:30:00 GMT", "2024-03-05"),
                                             ("Spring 2020", "Spring 2020")])
def test_an_added_articles_date_reads_back_as_a_day_where_it_is_one(tmp_path, date, read):
    managed = ManagedArticles(tmp_path)
    stored = managed.put("https://example.org/a", [article(date=date)], "mod", AT)
    assert read_back(managed, stored.sources[0]).date == read


def test_adding_the_same_key_again_replaces_the_article(tmp_path):
    managed = ManagedArticles(tmp_path)
    first = managed.put("file:notes.md", [article(text="Old text.")], "mod", AT)
    again = managed.put("file:notes.md", [article(text="New text.")], "mod", AT)
    assert first.replaced == 0 and again.replaced == 1
    assert again.sources == first.sources and len(list(managed.folder.iterdir())) == 1
    assert read_back(managed, again.sources[0]).text == "New text."


def test_a_file_of_several_articles_is_replaced_as_a_whole(tmp_path):
    managed = ManagedArticles(tmp_path)
    three = managed.put("file:dump.txt", [article(id=f"a{n}", title=f"A{n}") for n in range(3)], "mod", AT)
    other = managed.put("file:other.md", [article()], "mod", AT)
    two = managed.put("file:dump.txt", [article(id=f"a{n}", title=f"A{n}") for n in range(2)], "mod", AT)
    assert len(three.sources) == 3 and two.replaced == 3
    assert sorted(p.name for p in managed.folder.iterdir()) == sorted(s.split("/")[1] for s in two.sources
                                                                       + other.sources)


def test_a_write_that_fails_half_way_leaves_the_earlier_article_and_no_stray_file(tmp_path, monkeypatch):
    managed = ManagedArticles(tmp_path)
    stored = managed.put("file:notes.md", [article(text="Old text.")], "mod", AT)

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        managed.put("file:notes.md", [article(text="New text.")], "mod", AT)
    assert read_back(managed, stored.sources[0]).text == "Old text."
    assert [p.name for p in managed.folder.iterdir()] == [stored.sources[0].split("/")[1]]


def test_an_added_article_is_deleted_by_its_source_and_nothing_outside_the_folder_is(tmp_path):
    managed = ManagedArticles(tmp_path)
    stored = managed.put("file:notes.md", [article()], "mod", AT)
    (tmp_path / "hidden.json").write_text("{}")
    assert not managed.delete("hidden.json") and not managed.delete("articles/../hidden.json")
    assert managed.delete(stored.sources[0]) and not managed.delete(stored.sources[0])
    assert managed.keys() == {} and (tmp_path / "hidden.json").exists()


def test_hidden_articles_stay_hidden_for_a_new_reader_of_the_folder_and_come_back(tmp_path):
    HiddenArticles(tmp_path).hide("sudan", "In Sudan: \u00e9t\u00e9")
    HiddenArticles(tmp_path).hide("russia", "Why Russia")
    again = HiddenArticles(tmp_path)
    assert again.titles() == {"sudan": "In Sudan: \u00e9t\u00e9", "russia": "Why Russia"}
    assert again.restore("sudan") == "In Sudan: \u00e9t\u00e9" and again.restore("sudan") is None
    assert HiddenArticles(tmp_path).ids() == {"russia"}
    assert HiddenArticles(tmp_path / "never-written").ids() == frozenset()


@pytest.mark.parametrize("damage", ["{\"hidden\": [", "[1, 2]", "{\"hidden\": [{\"id\": 3, \"title\": \"x\"}]}"])
def test_a_damaged_hidden_list_is_reported_and_kept_as_it_is(tmp_path, caplog, damage):
    (tmp_path / "hidden.json").write_text(damage)
    hidden = HiddenArticles(tmp_path)
    with pytest.raises(HiddenListDamaged, match="hidden.json.*fix it or move it aside"):
        hidden.ids()
    with pytest.raises(HiddenListDamaged):
        hidden.hide("sudan", "In Sudan")
    assert (tmp_path / "hidden.json").read_text() == damage
    assert "hidden.json" in caplog.text


# -- loading the operator's content and the data folder together ------------------------------------------------


@pytest.fixture
def folders(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "lunar.md").write_text("# Lunar Greenhouse\n\nAstronauts harvested twelve heads of lettuce.\n")
    (content / "bees.md").write_text("# Urban Bees\n\nRooftop hives produced forty kilos of honey.\n")
    return content, ManagedArticles(tmp_path / ".data"), HiddenArticles(tmp_path / ".data")


def load(content, managed, hidden, **options):
    return Library.load(content, added=managed.folder, hidden=hidden.ids(), **options)


def test_added_articles_are_answered_with_unique_ids_and_hidden_ones_are_not(folders):
    content, managed, hidden = folders
    managed.put("file:lunar.md", [article(title="Lunar Greenhouse", text="A second lettuce crop failed.")],
                "mod", AT)
    library = load(content, managed, hidden)
    assert sorted(library.articles) == ["lunar-greenhouse", "lunar-greenhouse-2", "urban-bees"]
    assert library.added_ids == {"lunar-greenhouse-2"} and library.is_added("lunar-greenhouse-2")
    assert library.articles["lunar-greenhouse-2"].source.startswith("articles/")
    hidden.hide("urban-bees", "Urban Bees")
    library = load(content, managed, hidden)
    assert "urban-bees" not in library.articles and library.search("honey rooftop hives") == []
    assert Library.load(content).articles.keys() == {"lunar-greenhouse", "urban-bees"}  # the old call still works


def test_the_saved_index_is_rebuilt_when_added_articles_or_the_hidden_list_change(folders, tmp_path):
    content, managed, hidden = folders
    index = tmp_path / ".index"
    assert not load(content, managed, hidden, index_dir=index).report.from_cache
    assert load(content, managed, hidden, index_dir=index).report.from_cache
    managed.put("https://example.org/owls", [article(id="owls", title="Owls", text="Owls hunt at night.")],
                "mod", AT)
    rebuilt = load(content, managed, hidden, index_dir=index)
    cached = load(content, managed, hidden, index_dir=index)
    assert not rebuilt.report.from_cache and cached.report.from_cache and cached.added_ids == {"owls"}
    hidden.hide("urban-bees", "Urban Bees")
    assert not load(content, managed, hidden, index_dir=index).report.from_cache
    assert json.loads((tmp_path / ".data" / "hidden.json").read_text())["hidden"][0]["id"] == "urban-bees"


def test_followed_feeds_keep_their_order_and_what_each_poll_learned(tmp_path):
    feeds = FollowedFeeds(tmp_path)
    assert feeds.all() == [] and feeds.follow("https://a.example/rss", "mod") and feeds.follow("https://b.example/rss",
                                                                                               CONFIGURED)
    assert not feeds.follow("https://a.example/rss", "someone else")
    polled = FollowedFeed("https://b.example/rss", CONFIGURED, etag='"v1"', taken=("b-1", "b-2"),
                          last_poll="2026-12-03T09:30:00+00:00", last_added=2, last_error="one page: 404")
    feeds.update(polled)
    again = FollowedFeeds(tmp_path).all()
    assert [f.url for f in again] == ["https://a.example/rss", "https://b.example/rss"] and again[1] == polled
    assert feeds.unfollow("https://b.example/rss") == polled and feeds.unfollow("https://b.example/rss") is None
    feeds.update(polled)  # a poll that ends after its feed was unfollowed brings nothing back
    assert [f.url for f in feeds.all()] == ["https://a.example/rss"]


@pytest.mark.parametrize("damage", ["{not json", '{"feeds": [{"url": 3, "added_by": "mod"}]}', '{"feeds": {}}',
                                    '{"feeds": [{"url": "u", "added_by": "m", "taken": "abc"}]}', "[]"])
def test_a_damaged_feed_list_is_reported_and_never_overwritten(tmp_path, damage, caplog):
    (tmp_path / "feeds.json").write_text(damage)
    feeds = FollowedFeeds(tmp_path)
    for change in (feeds.all, lambda: feeds.follow("https://a.example/rss", "mod"),
                   lambda: feeds.unfollow("u"), lambda: feeds.update(FollowedFeed("u", "m"))):
        with pytest.raises(FeedListDamaged, match="feeds.json.*cannot be read.*move it aside"):
            change()
    assert (tmp_path / "feeds.json").read_text() == damage and "feeds.json" in caplog.text
