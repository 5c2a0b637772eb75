"""Recall: the lede that sits outside the article container is recovered, once; it is the page's
standfirst, which has a field of its own whether the body held it or not."""

from __future__ import annotations

from trafilatura.utils import load_html

from article_extractor.pipeline.blocks.lede import find_lede, insert_lede, opening_standfirst
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind
from article_extractor.pipeline.extract import extract_article

LEDE = (
    "The city will spend four hundred million pounds on a riverside tram line, the largest "
    "transport project in its history, after a four-hour debate."
)
BODY = "".join(
    f"<p>Paragraph {n} of the report describes the route, the stations and the timetable in "
    "enough detail for residents to judge the plan for themselves.</p>"
    for n in range(1, 7)
)


def page(description: str, lede_html: str) -> str:
    return (
        f'<html><head><title>Tram line approved</title><meta name="description" '
        f'content="{description}"></head><body><header class="x1"><h1>Tram line approved</h1>'
        f"{lede_html}</header><main><article>{BODY}</article></main></body></html>"
    )


def test_lede_outside_the_article_is_recovered_after_the_title() -> None:
    truncated = LEDE[:90] + "..."
    article = extract_article(page(truncated, f'<div class="q">{LEDE}</div>'))
    lines = article.text.split("\n")
    assert LEDE in lines  # the visible element's full text, not the shortened description
    assert lines.index(LEDE) < next(i for i, line in enumerate(lines) if "Paragraph 1" in line)
    assert article.recovered == ("lede",)
    assert article.standfirst == LEDE


def test_description_not_on_the_page_is_not_added() -> None:
    article = extract_article(page(LEDE, ""))
    assert LEDE[:40] not in article.text
    assert article.recovered == ()
    assert article.standfirst is None


def test_lede_already_in_the_text_is_not_added_twice() -> None:
    html = page(LEDE, "").replace("<article>", f"<article><p>{LEDE}</p>")
    article = extract_article(html)
    assert article.text.count(LEDE[:40]) == 1
    assert article.recovered == ()
    assert article.standfirst == LEDE  # the body opens with it: still the page's standfirst


def test_a_description_cut_from_the_first_paragraph_is_no_standfirst() -> None:
    """Sites that fill the description with the first paragraph's first 150 characters: that
    paragraph is the body's, not a standfirst."""
    first = LEDE + " " + "The vote followed two years of consultation with residents. " * 3
    html = page(first[:140] + "...", "").replace("<article>", f"<article><p>{first}</p>")
    article = extract_article(html)
    assert article.text.count(LEDE[:40]) == 1
    assert article.standfirst is None


def test_an_element_made_of_the_body_is_not_a_lede() -> None:
    """Some pages make the whole article their description; the element holding it (title,
    description, body) then starts like the description but is the body: never added twice."""
    body_text = " ".join(
        f"Paragraph {n} of the report describes the route, the stations and the timetable in "
        "enough detail for residents to judge the plan for themselves."
        for n in range(1, 7)
    )
    description = f"Tram line approved {body_text}"[:300]
    tree = load_html(f"<html><body><div>Tram line approved {body_text}</div></body></html>")
    text = "\n".join(f"Paragraph {part}" for part in body_text.split("Paragraph ")[1:])
    assert find_lede(tree, description, text) is None
    # The same element, when the text lacks its lines, is recovered.
    assert find_lede(tree, description, "unrelated text") is not None


def test_short_descriptions_are_not_ledes() -> None:
    tree = load_html(page("News from the harbour city", "<p>News from the harbour city</p>"))
    assert find_lede(tree, "News from the harbour city", "body text") is None


def paragraphs(*texts: str) -> list[Block]:
    return [Block(BlockKind.PARAGRAPH, text=text) for text in texts]


def test_insert_lede_after_a_repeated_title_line() -> None:
    title = Block(BlockKind.HEADING, text="Title", level=1)
    assert insert_lede([title, *paragraphs("Body")], "Lede", "Title") == [
        title,
        *paragraphs("Lede", "Body"),
    ]
    assert insert_lede(paragraphs("Body"), "Lede", "Title") == paragraphs("Lede", "Body")
    assert insert_lede(paragraphs("Body"), None, "Title") == paragraphs("Body")


def test_opening_standfirst_is_one_of_the_first_blocks() -> None:
    body = paragraphs(*(f"Body paragraph {n}, with enough words to be prose." for n in range(6)))
    assert opening_standfirst([*paragraphs(LEDE), *body], LEDE) == LEDE
    assert opening_standfirst([*paragraphs(LEDE[:90] + " more"), *body], LEDE[:90] + "...") == (
        LEDE[:90] + " more"
    )
    assert opening_standfirst([*body[:3], *paragraphs(LEDE)], LEDE) is None  # deep in the body
    assert opening_standfirst([Block(BlockKind.CODE, text=LEDE), *body], LEDE) is None
    assert opening_standfirst([*paragraphs(LEDE), *body], "Harbour news") is None  # too short
    assert opening_standfirst([*paragraphs(LEDE), *body], None) is None


LEAD_FIGURE = Block(BlockKind.FIGURE, src="https://example.com/lead.jpg")


def test_a_lead_figure_comes_before_the_title_and_the_lede() -> None:
    title = Block(BlockKind.HEADING, text="Title", level=1)
    assert insert_lede([LEAD_FIGURE, title, *paragraphs("Body")], "Lede", "Title") == [
        LEAD_FIGURE,
        title,
        *paragraphs("Lede", "Body"),
    ]
    assert insert_lede([LEAD_FIGURE, *paragraphs("Body")], "Lede", "Title") == [
        LEAD_FIGURE,
        *paragraphs("Lede", "Body"),
    ]


def test_a_lead_figure_does_not_count_among_the_opening_blocks() -> None:
    body = paragraphs(*(f"Body paragraph {n}, with enough words to be prose." for n in range(6)))
    opening = [LEAD_FIGURE, *body[:2], *paragraphs(LEDE), *body[2:]]
    assert opening_standfirst(opening, LEDE) == LEDE
    assert opening_standfirst([LEAD_FIGURE, *body[:3], *paragraphs(LEDE)], LEDE) is None
