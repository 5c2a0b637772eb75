"""The product's own parse of a page (decode -> sanitize -> parse), for feature extraction."""

from __future__ import annotations

from lxml.html import HtmlElement

from article_extractor.pipeline.read.decoding import decode_html
from article_extractor.pipeline.read.parsing import parse_html
from article_extractor.pipeline.read.sanitize import sanitize_html


def parse_page(html: bytes) -> HtmlElement | None:
    try:
        return parse_html(sanitize_html(decode_html(html, None).text))
    except Exception:  # an unparsable page has no features
        return None
