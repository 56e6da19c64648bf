"""Passages: whole thoughts that fit in a chat message, with exact offsets into the article."""

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import Article, Paragraph
from retrieval.passages import PassageSettings, split_passages

sentence = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), min_size=1, max_size=40),
    st.sampled_from([".", "!", "?"]),
)
paragraph = st.lists(sentence, min_size=1, max_size=12).map(" ".join)


@given(st.lists(paragraph, min_size=1, max_size=8), st.text(alphabet="abc ", max_size=50))
@settings(max_examples=200)
def test_passages_are_exact_slices_within_the_size_limit_and_cover_every_paragraph(paragraphs, standfirst):
    article = Article(id="a", title="T", standfirst=standfirst.strip(),
                      paragraphs=[Paragraph(text=p) for p in paragraphs], source="x.txt")
    found = split_passages(article)
    text = article.text
    assert [p.ordinal for p in found] == list(range(len(found)))
    for passage in found:
        assert passage.text == text[passage.start:passage.end]
        assert len(passage.text) <= PassageSettings().max_chars
        assert passage.text == passage.text.strip()
    # Nothing is lost: every word of the article is in some passage.
    assert " ".join(p.text for p in found).split() == text.split()


def test_long_paragraphs_split_at_sentence_ends_and_short_ones_merge():
    long = " ".join(f"Sentence number {i} talks about the harbour works in some detail." for i in range(30))
    article = Article(id="a", title="T", source="x.txt",
                      paragraphs=[Paragraph(text="Short one."), Paragraph(text="Short two."), Paragraph(text=long)])
    found = split_passages(article)
    assert found[0].text.startswith("Short one.\n\nShort two.\n\nSentence number 0 ")
    assert all(p.text.endswith(".") for p in found)
    assert len(found) >= 3


def test_text_is_never_merged_across_a_subheading_or_with_the_standfirst():
    article = Article(id="a", title="T", standfirst="A lead.", source="x.txt", paragraphs=[
        Paragraph(text="Before the heading."), Paragraph(text="After the heading.", heading="Costs"),
    ])
    assert [(p.text, p.heading) for p in split_passages(article)] == [
        ("A lead.", None), ("Before the heading.", None), ("After the heading.", "Costs"),
    ]


def test_a_single_sentence_longer_than_a_passage_is_cut_between_words():
    words = " ".join(["word"] * 400) + "."
    found = split_passages(Article(id="a", title="T", source="x", paragraphs=[Paragraph(text=words)]))
    assert len(found) > 1
    assert all(len(p.text) <= 700 and not p.text.startswith(" ") for p in found)
    assert all(w == "word" for p in found for w in p.text.rstrip(".").split())
