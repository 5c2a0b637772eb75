"""Recall: bodies in unusual shapes come out whole, and the clutter inside them does not."""

from __future__ import annotations

import pytest

from article_extractor.document import Status
from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object

PARAGRAPHS = [
    "Alpha paragraph about the harbour tides and the fishermen who rely on them every morning.",
    "Bravo paragraph explains how the new sea wall changed the currents near the old pier.",
    "Charlie paragraph quotes the harbour master on the cost of dredging the channel each year.",
    "Delta paragraph describes the reaction of residents at the public meeting on Tuesday.",
    "Echo paragraph closes with the council's timetable for the repairs next spring.",
]
NAV = '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
P = [f"<p>{text}</p>" for text in PARAGRAPHS]

PAGES = {
    "split by <br><br> instead of <p>": (
        f'<html><body>{NAV}<div class="c">{"<br><br>".join(PARAGRAPHS)}</div>'
        "<footer>Contact us</footer></body></html>",
        ["Home", "Contact us"],
    ),
    "text after an inline related box and an ad": (
        f"<html><body>{NAV}<article>{P[0]}{P[1]}"
        '<div class="r"><b>Related</b><ul><li><a href="/a">Storm hits coast</a></li>'
        '<li><a href="/b">Ferry fares rise</a></li></ul></div>'
        f'{P[2]}<div class="q9">Advertisement</div>{P[3]}{P[4]}</article></body></html>',
        ["Storm hits coast", "Ferry fares rise", "Advertisement", "Home"],
    ),
    "<br>-separated body with a box nested in a span": (
        # the paragraphs after a block box nested in an inline element are the body's tail
        f'<html><body>{NAV}<div class="entry">{PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<br><br>'
        '<span class="x"><div class="box">Read more: <a href="/x">Storm hits coast</a></div>'
        f"</span>{PARAGRAPHS[2]}<br><br>{PARAGRAPHS[3]}<br><br>{PARAGRAPHS[4]}</div>"
        "<footer>Contact us</footer></body></html>",
        ["Storm hits coast", "Home", "Contact us"],
    ),
    "body spread over sibling containers with an ad between": (
        f'<html><body>{NAV}<div class="story"><div class="part">{P[0]}{P[1]}</div></div>'
        '<div class="ad">Advertisement</div>'
        f'<div class="story"><div class="part">{P[2]}{P[3]}</div></div>'
        f'<div class="story"><div class="part">{P[4]}</div></div>'
        "<footer>Contact us</footer></body></html>",
        ["Advertisement", "Home", "Contact us"],
    ),
    "body split across sections": (
        f"<html><body>{NAV}<article><section>{P[0]}{P[1]}</section>"
        "<aside><p>Newsletter: sign up now</p></aside>"
        f"<section>{P[2]}{P[3]}</section><section><h2>What next</h2>{P[4]}</section>"
        "</article></body></html>",
        ["Newsletter", "Home"],
    ),
}


class PageReader:
    def __init__(self, html: str) -> None:
        self.body = html.encode()

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        return FetchedObject(body=self.body, size=len(self.body))


@pytest.mark.parametrize("shape", sorted(PAGES))
def test_whole_body_and_no_clutter(shape: str) -> None:
    html, clutter = PAGES[shape]
    document = process_object(
        ObjectRef("in", "page.html"), PageReader(html), ProcessingOptions(max_input_bytes=1 << 20)
    )
    assert document.status is Status.OK
    assert document.article is not None
    text = document.article.text
    assert [p for p in PARAGRAPHS if p not in text] == []
    assert [c for c in clutter if c in text] == []
