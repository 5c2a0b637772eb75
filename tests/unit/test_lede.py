"""Recall: the lede that sits outside the article container is recovered, once."""

from __future__ import annotations

from trafilatura.utils import load_html

from article_extractor.pipeline.blocks import Block, BlockKind
from article_extractor.pipeline.extract import extract_article
from article_extractor.pipeline.lede import find_lede, insert_lede

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


def test_description_not_on_the_page_is_not_added() -> None:
    article = extract_article(page(LEDE, ""))
    assert LEDE[:40] not in article.text
    assert article.recovered == ()


def test_lede_already_in_the_text_is_not_added_twice() -> None:
    html = page(LEDE, "").replace("<article>", f"<article><p>{LEDE}</p>")
    article = extract_article(html)
    assert article.text.count(LEDE[:40]) == 1
    assert article.recovered == ()


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
