"""Every string of a record is made of Unicode scalar values, whichever source of the page (or of
its object) it came from: a record always serialises, in UTF-8 and as JSON."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from article_extractor.document import (
    Article,
    Error,
    Extraction,
    OutputDocument,
    Source,
    Status,
    scalar_values,
    with_scalar_values,
)
from article_extractor.inputs import SOURCE_URL_METADATA_KEY, FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_fetched
from tests.conftest import assert_valid_output

LONE_SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
# Code points that are valid scalar values but unusual: noncharacters, astral, C1 and bidi
# controls, line separators, the replacement character itself.
ODD_CHARACTERS = st.sampled_from(
    ["\ufffe", "\uffff", "\ufdd0", "\U0001f600", "\U0010ffff", "\x85", "\u202e", "\u2028", "\ufffd"]
)
ODD_TEXT = st.lists(
    st.one_of(LONE_SURROGATES, ODD_CHARACTERS, st.text(min_size=1, max_size=4)),
    min_size=1,
    max_size=6,
).map("".join)

PROSE = (
    "The council met on Tuesday to discuss the new tram line along the river, and after a long "
    "debate the members agreed that construction should start in the spring of next year."
)
# Every source of text a page (or its object) gives a record: where a value goes.
SOURCES = (
    "title",
    "meta_description",
    "meta_author",
    "published_time",
    "keywords",
    "og_title",
    "og_description",
    "og_image",
    "og_url",
    "og_site_name",
    "canonical",
    "html_lang",
    "json_ld_headline",
    "json_ld_author",
    "json_ld_date",
    "json_ld_description",
    "json_ld_image",
    "json_ld_publisher",
    "json_ld_keywords",
    "json_ld_section",
    "json_ld_url",
    "heading",
    "byline",
    "paragraph",
    "link_href",
    "link_text",
    "img_src",
    "img_alt",
    "img_data_src",
    "img_srcset",
    "caption",
    "list_item",
    "table_cell",
    "source_url",
    "key",
)


def _markup(value: str, raw: bool) -> str:
    """`value` as HTML text or attribute value: escaped, and each non-ASCII character written
    as itself (`raw`, a surrogate then becomes its 3 invalid UTF-8 bytes) or as a numeric
    character reference."""
    escaped = html.escape(value, quote=True)
    return escaped if raw else "".join(c if c.isascii() else f"&#x{ord(c):X};" for c in escaped)


def _json_ld(values: dict[str, str]) -> str:
    """A JSON-LD article whose strings are the injected values, each non-ASCII character as a
    JSON escape (a surrogate as `\\udXXX`, as a page smuggles one)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": values.get("json_ld_headline", "Tram line approved"),
        "author": {"@type": "Person", "name": values.get("json_ld_author", "Ann Lee")},
        "datePublished": values.get("json_ld_date", "2024-03-05"),
        "description": values.get("json_ld_description", "The council approved it."),
        "image": values.get("json_ld_image", "https://example.com/tram.jpg"),
        "publisher": {"@type": "Organization", "name": values.get("json_ld_publisher", "Daily")},
        "keywords": values.get("json_ld_keywords", "trams, council"),
        "articleSection": values.get("json_ld_section", "Local"),
        "url": values.get("json_ld_url", "https://example.com/news/tram"),
    }
    return json.dumps(data).replace("</", "<\\/")


def page(values: dict[str, str], raw: bool) -> bytes:
    """An article page with each of `values` at its source (plain text at the others)."""

    def at(source: str, default: str) -> str:
        return _markup(values.get(source, default), raw)

    paragraph = at("paragraph", "The vote was close.")
    text = f"""<!DOCTYPE html>
<html lang="{at("html_lang", "en")}"><head>
<meta charset="utf-8"><title>{at("title", "Tram line approved")}</title>
<meta name="description" content="{at("meta_description", "The council approved it.")}">
<meta name="author" content="{at("meta_author", "Ann Lee")}">
<meta property="article:published_time" content="{at("published_time", "2024-03-05")}">
<meta name="keywords" content="{at("keywords", "trams")}">
<meta property="og:title" content="{at("og_title", "Tram line approved")}">
<meta property="og:description" content="{at("og_description", "Approved.")}">
<meta property="og:image" content="{at("og_image", "https://example.com/og.jpg")}">
<meta property="og:url" content="{at("og_url", "https://example.com/news/tram")}">
<meta property="og:site_name" content="{at("og_site_name", "Daily")}">
<link rel="canonical" href="{at("canonical", "https://example.com/news/tram")}">
<script type="application/ld+json">{_json_ld(values)}</script>
</head><body><article>
<h1>{at("heading", "Tram line approved")}</h1>
<p class="byline">By {at("byline", "Ann Lee")}</p>
<p>{PROSE} {paragraph}</p>
<figure><img src="{at("img_src", "https://example.com/a.jpg")}" alt="{at("img_alt", "A tram")}"
 data-src="{at("img_data_src", "/b.jpg")}" srcset="{at("img_srcset", "/c.jpg 800w")}">
<figcaption>{at("caption", "The tram.")}</figcaption></figure>
<p>{PROSE} <a href="{at("link_href", "/more")}">{at("link_text", "More")}</a> {paragraph}</p>
<ul><li>{at("list_item", "First stop.")} {PROSE}</li><li>{PROSE}</li></ul>
<table><tr><td>{at("table_cell", "Cost")}</td><td>{PROSE}</td></tr></table>
<p>{PROSE}</p>
</article></body></html>"""
    return text.encode("utf-8", "surrogatepass")


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string in a JSON-like value (dict keys too), with where it is."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in (*_strings(key, f"{path}.<key>"), *_strings(item, f"{path}.{key}"))
        ]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _strings(item, f"{path}[{i}]")]
    return []


def _surrogates(value: Any) -> list[tuple[str, str]]:
    return [
        (path, text)
        for path, text in _strings(value)
        if any(0xD800 <= ord(character) <= 0xDFFF for character in text)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.dictionaries(st.sampled_from(SOURCES), ODD_TEXT, max_size=len(SOURCES)),
    raw=st.booleans(),
    content_model=st.booleans(),
)
@example(values={"json_ld_author": "Ann \ud800 Lee"}, raw=False, content_model=True)
@example(values={"json_ld_description": "Approved \udfff."}, raw=False, content_model=True)
@example(values={"json_ld_publisher": "\udc80Daily"}, raw=False, content_model=False)
@example(values={"source_url": "https://example.com/\udcff"}, raw=False, content_model=True)
@example(values={"key": "pages/caf\udce9.html"}, raw=False, content_model=True)
@example(
    values={"paragraph": "broken \ud83d here", "title": "\udfff"}, raw=True, content_model=True
)
@example(values={"img_src": "/\ud800.jpg", "caption": "\ud800"}, raw=False, content_model=True)
@example(values={"html_lang": "эн"}, raw=False, content_model=True)
@example(values=dict.fromkeys(SOURCES, "\ud800"), raw=False, content_model=True)
@example(values=dict.fromkeys(SOURCES, "\ud800"), raw=True, content_model=False)
def test_every_record_serialises_whatever_text_a_page_smuggles(
    values: dict[str, str], raw: bool, content_model: bool
) -> None:
    url = values.get("source_url", "https://example.com/news/tram")
    key = values.get("key", "pages/tram.html")
    body = page(values, raw)
    fetched = FetchedObject(
        body=body,
        size=len(body),
        content_type="text/html; charset=utf-8",
        metadata={SOURCE_URL_METADATA_KEY: url},
    )
    options = ProcessingOptions(include_blocks=True, content_model=content_model)
    document = process_fetched(ObjectRef("input", key), fetched, options)

    data = document.to_dict()
    assert json.loads(document.to_bytes()) == data
    assert _surrogates(data) == []
    assert json.loads(document.to_json(indent=2)) == data
    assert_valid_output(data)


def test_a_surrogate_becomes_the_replacement_character() -> None:
    assert scalar_values("Ann \ud800 Lee") == "Ann \ufffd Lee"
    assert scalar_values("\udfff\ud800") == "\ufffd\ufffd"


@pytest.mark.parametrize("text", ["", "plain", "café", "\U0001f600 ok", "\ufffe\uffff", "\ufffd"])
def test_scalar_values_are_kept_as_they_are(text: str) -> None:
    assert scalar_values(text) is text


def test_every_string_of_a_nested_value_is_cleaned() -> None:
    value = {"a\ud800": ["x", ("\udfff", {"b": "\ud801"})], "n": 3, "none": None}
    assert with_scalar_values(value) == {
        "a\ufffd": ["x", ("\ufffd", {"b": "\ufffd"})],
        "n": 3,
        "none": None,
    }


def test_a_value_without_surrogates_is_returned_itself() -> None:
    value = {"a": ["x", ("y", {"b": "café"})], "n": 3}
    assert with_scalar_values(value) is value


def _article(text: str) -> Article:
    return Article(
        url=None,
        canonical_url=None,
        title=text,
        author=text,
        date=None,
        sitename=text,
        description=text,
        language=None,
        hostname=None,
        image=None,
        categories=[text],
        tags=[text],
        text=text,
        word_count=1,
        markdown=text,
        blocks=[{"type": "paragraph", "text": text}],
        standfirst=text,
    )


def test_a_record_built_with_surrogates_anywhere_holds_none() -> None:
    bad = "x\ud800y"
    document = OutputDocument(
        status=Status.OK,
        source=Source(bucket=bad, key=bad, etag=bad, content_type=bad, url=bad),
        extraction=Extraction(
            extractor=bad,
            extractor_version=bad,
            package_version=bad,
            duration_ms=1.0,
            processed_at=bad,
            input_encoding=bad,
            cleaning={bad: 1},
            recovered=[bad],
        ),
        article=_article(bad),
        error=Error(code=bad, message=bad),
    )
    assert _surrogates(document.to_dict()) == []
    assert document.article is not None
    assert document.article.title == "x\ufffdy"  # what the CLI prints as text, too
    assert json.loads(document.to_bytes())["error"]["message"] == "x\ufffdy"
