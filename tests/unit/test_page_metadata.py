"""page_metadata: trafilatura's metadata, with a one-pass byline search and no licence; its
trafilatura helpers checked at import, trafilatura's extract_metadata without them."""

from __future__ import annotations

import logging

import pytest
import trafilatura.json_metadata
import trafilatura.metadata
from lxml.html import HtmlElement
from trafilatura.metadata import extract_catstags, extract_metadata

from article_extractor.pipeline.metadata import page_metadata as metadata
from article_extractor.pipeline.metadata.page_metadata import (
    byline_author,
    categories_and_tags,
    page_metadata,
)
from article_extractor.pipeline.read.parsing import parse_html
from article_extractor.pipeline.upstream.checked_internals import verified

HEAD = """<head><title>Tram line approved | Harbour Gazette</title>
<meta name="description" content="The council voted for the tram.">
<meta property="og:image" content="https://example.com/tram.jpg">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://example.com/news/tram">{extra}</head>"""
BODY = """<body><article><h1>Tram line approved</h1>{byline}
<p>The council approved the tram line on Tuesday after a long debate in the chamber.</p>
<div class="entry-meta"><a href="/category/city/">City</a> <a href="/tag/transport/">Transport</a>
</div></article>{comments}</body>"""


def page(byline: str = "", comments: str = "", extra: str = "") -> str:
    return f"<html>{HEAD.format(extra=extra)}{BODY.format(byline=byline, comments=comments)}</html>"


@pytest.mark.parametrize(
    "byline",
    [
        '<a rel="author" href="/jane">Jane Roe</a>',
        '<span class="byline">By Jane Roe</span>',
        '<p class="post-author">Jane Roe</p>',
        '<div itemprop="author">Jane Roe</div>',
        '<address class="AuthorName">Jane Roe</address>',
    ],
)
def test_byline_markup(byline: str) -> None:
    tree = parse_html(page(byline))
    assert tree is not None
    assert byline_author(tree) == "Jane Roe"
    assert page_metadata(tree).author == "Jane Roe"


def test_comment_authors_are_not_the_byline() -> None:
    comments = '<section id="comments"><span class="comment-author">Troll Account</span></section>'
    tree = parse_html(page(comments=comments))
    assert tree is not None
    assert byline_author(tree) is None


def test_a_byline_after_a_second_html_element_is_found() -> None:
    # libxml2 keeps markup after "</html><html>" as a second top-level element
    html = "<html><body><p>Intro text.</p></body></html><html><body>"
    html += '<p class="post__author">Jane Roe</p></body></html>'
    tree = parse_html(html)
    assert tree is not None and tree.getnext() is not None
    assert byline_author(tree) == "Jane Roe"


def test_outright_author_markup_comes_before_mentions_in_document_order() -> None:
    byline = '<span class="post-author-name">Mention First</span><a rel="author">Jane Roe</a>'
    tree = parse_html(page(byline))
    assert tree is not None
    assert byline_author(tree) == "Jane Roe"


def test_an_author_box_with_a_biography_is_skipped_for_a_shorter_byline() -> None:
    biography = '<div class="author-box">' + "Jane Roe has covered the city for years. " * 5
    tree = parse_html(page(biography + '</div><span class="byline">Jane Roe</span>'))
    assert tree is not None
    assert byline_author(tree) == "Jane Roe"


def test_declared_author_wins_over_markup() -> None:
    author = '<meta name="author" content="Jo Doe">'
    tree = parse_html(page('<span class="byline">Someone Else</span>', extra=author))
    assert tree is not None
    assert page_metadata(tree).author == "Jo Doe"


STOCK_FIELDS = (
    "title",
    "date",
    "url",
    "hostname",
    "sitename",
    "description",
    "image",
    "categories",
    "tags",
)


def test_everything_but_the_author_is_what_trafilatura_finds() -> None:
    tree = parse_html(page('<span class="byline">Jane Roe</span>'))
    assert tree is not None
    ours, theirs = (
        page_metadata(tree, "https://example.com/x"),
        extract_metadata(tree, "https://example.com/x"),
    )
    for field in STOCK_FIELDS:
        assert getattr(ours, field) == getattr(theirs, field), field
    assert ours.date == "2024-03-05"
    assert ours.categories == ["City"] and ours.tags == ["Transport"]


def test_site_name_falls_back_to_the_host() -> None:
    tree = parse_html("<html><body><p>Some text that is long enough to matter.</p></body></html>")
    assert tree is not None
    assert page_metadata(tree, "https://www.example.org/a").sitename == "example.org"


SECTION_META = '<meta property="article:section" content="City &amp; Region">'


@pytest.mark.parametrize(
    ("body", "head"),
    [
        # links in a container trafilatura looks at: both fields from the links
        (BODY.format(byline="", comments=""), ""),
        # no folder links at all: categories from the section <meta>, no tags
        ("<body><p>Text only, with <a href='/news/2'>a link</a>.</p></body>", SECTION_META),
        ("<body><p>Nothing to classify here.</p></body>", ""),
        # folder links outside the containers: the expressions find nothing, fallback runs
        ("<body><p><a href='/category/city/'>City</a> <a href='/tags/x/'>X</a></p></body>", ""),
        ("<body><p><a href='/category/city/'>City</a></p></body>", SECTION_META),
        # substrings that are not folders: "/categorical", "/tagline"
        (
            "<body><div class='entry-meta'><a href='/categorical/a'>A</a>"
            "<a href='/tagline/b'>B</a></div></body>",
            SECTION_META,
        ),
        # tags in a container, categories only from the meta
        ("<body><div class='tags'><a href='/tag/rail/'>Rail</a></div></body>", SECTION_META),
        # a category link whose text cleans to nothing: no meta fallback, as in trafilatura
        ("<body><div class='entry-meta'><a href='/category/x/'> </a></div></body>", SECTION_META),
    ],
)
def test_categories_and_tags_match_trafilatura(body: str, head: str) -> None:
    tree = parse_html(f"<html><head><title>T</title>{head}</head>{body}</html>")
    assert tree is not None
    assert categories_and_tags(tree) == (
        extract_catstags("category", tree),
        extract_catstags("tag", tree),
    )


def test_only_the_fields_asked_for_are_searched() -> None:
    tree = parse_html(page())
    assert tree is not None
    assert categories_and_tags(tree) == (["City"], ["Transport"])
    assert categories_and_tags(tree, categories=False) == ([], ["Transport"])
    assert categories_and_tags(tree, tags=False) == (["City"], [])


# ------------------------------------------------------------------ the checks at import
def disabled(caplog: pytest.LogCaptureFixture, because: str) -> None:
    """Assert that the helpers' check fails with one warning giving `because`."""
    with caplog.at_level(logging.WARNING):
        assert verified(metadata.METADATA_HELPERS, metadata._check_helpers) is None
    assert len(caplog.records) == 1
    assert because in caplog.records[0].getMessage()


def test_the_helpers_pass_their_check_on_the_installed_trafilatura() -> None:
    assert metadata._check_helpers() == metadata._checked_helpers()


def test_a_helper_with_another_signature_disables_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stock = trafilatura.metadata.extract_title
    monkeypatch.setattr(trafilatura.metadata, "extract_title", lambda tree, url=None: stock(tree))
    disabled(caplog, "is not <lambda>(tree)")


def test_a_missing_helper_disables_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(trafilatura.metadata, "META_URL")
    disabled(caplog, "trafilatura.metadata.META_URL is missing")


def test_a_category_search_that_reads_other_links_disables_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Same name and signature; but it would find categories in links the prefilter skips.
    def extract_catstags(metatype: str, tree: HtmlElement) -> list[str]:
        return [str(link.text) for link in tree.iter("a") if metatype[:5] in link.get("href", "")]

    monkeypatch.setattr(trafilatura.metadata, "extract_catstags", extract_catstags)
    disabled(caplog, "finds other categories or tags than extract_catstags")


def test_an_author_normalisation_that_keeps_the_by_disables_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def normalize_authors(current_authors: str | None, author_string: str) -> str:
        return author_string

    monkeypatch.setattr(trafilatura.json_metadata, "normalize_authors", normalize_authors)
    disabled(caplog, "normalize_authors keeps the 'By'")


def test_without_the_helpers_page_metadata_is_trafilaturas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "_checked_helpers", lambda: None)
    tree = parse_html(page('<span class="byline">Jane Roe</span>'))
    assert tree is not None
    ours, theirs = (
        page_metadata(tree, "https://example.com/x"),
        extract_metadata(tree, "https://example.com/x"),
    )
    for field in (*STOCK_FIELDS, "author", "license"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert ours.title == "Tram line approved" and ours.date == "2024-03-05"


def _byline_candidates_by_walking(tree: HtmlElement) -> tuple[list[object], list[object]]:
    """The byline candidates as one Python pass over every element finds them (the reference
    for `_byline_candidates`, which lets libxml2 select the elements to test)."""
    marked: list[object] = []
    mentioning: list[object] = []
    root = tree.getroottree().getroot()
    for top in (root, *root.itersiblings()):
        for element in top.iter():
            tag = element.tag
            if not (isinstance(element, HtmlElement) and element.attrib) and tag != "author":
                continue
            if tag == "author" or any(
                element.get(name) == value for name, value in metadata._AUTHOR_MARKUP
            ):
                marked.append(element)
            if tag in metadata._BYLINE_TAGS and any(
                word in value
                for name, words in metadata._BYLINE_MENTIONS
                if (value := element.get(name))
                for word in words
            ):
                mentioning.append(element)
    return marked, mentioning


@pytest.mark.parametrize(
    "markup",
    [
        '<a rel="author">A</a><a rel="Author">B</a><a rel="authors">C</a><link rel="author">',
        '<div class="author">A</div><div class="AUTHOR">B</div><p class="Byline x">C</p>',
        '<span class="BYLINE">A</span><span id="coauthor">B</span><h3 id="Author-1">C</h3>',
        '<div itemprop="author"><span itemprop="authors name">A</span></div><td class="author">B',
        "<author>A</author><author class='x'>B</author><li class='post-author'>C</li>",
        '<section id="comments"><strong class="comment-author">A</strong></section><!-- author -->',
        '<p data-author="x" title="byline">no candidate</p><p class="authoring">A</p>',
        "<p>Plain.</p></body></html><html><body><span class='byline'>After a second root</span>",
    ],
)
def test_byline_candidates_are_those_of_a_walk_over_every_element(markup: str) -> None:
    tree = parse_html(f"<html><head><meta name='x'></head><body>{markup}</body></html>")
    assert tree is not None
    assert metadata._byline_candidates(tree) == _byline_candidates_by_walking(tree)
    assert metadata._byline_candidates(tree) != ([], [])


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        # microdata: the author item's name, as a <meta content> or as text
        ('<div itemprop="author" itemscope><img src="/a.png" alt=""><meta itemprop="name"'
         ' content="seabird"><a href="/users/7">seabird</a> 1,204 reputation</div>',
         "seabird"),
        ('<div itemprop="author"><span itemprop="name">Jane Roe</span><p>Jane has covered the'
         " city council since 2009 and writes about transport.</p></div>", "Jane Roe"),
        # a link to the author's page
        ('<div class="meta"><a href="/authors/jane-roe">Jane Roe</a> · 5 min read</div>',
         "Jane Roe"),
        # a line that opens with a byline word, in several languages
        ("<p>By Jane Roe</p>", "Jane Roe"),
        ("<p>Por Ana Ruiz García</p>", "Ana Ruiz García"),
        ("<p>Von Jonas Weißmann</p>", "Jonas Weißmann"),
        ('<p>par <a href="/equipe">Claire Martin</a></p>', "Claire Martin"),
        # a "byline" box holding only the dateline is passed over for the next one
        ('<div class="byline">Updated March 3</div><div class="post-author">Jane Roe</div>',
         "Jane Roe"),
    ],
)  # fmt: skip
def test_markup_names_the_author(byline: str, expected: str) -> None:
    tree = parse_html(page(byline))
    assert tree is not None
    assert metadata.markup_author(tree) == expected
    assert page_metadata(tree).author == expected


@pytest.mark.parametrize(
    "byline",
    [
        # sentences and labels that open with "By", and a filter inside the page's controls
        "<p>By continuing to use this site you accept our terms.</p>",
        "<h3>By Category</h3><h3>By Gender &amp; Age</h3>",
        "<nav><p>By Jane Roe</p></nav>",
        '<form><label>By <a href="/sort">Price Range</a></label></form>',
        # the author links of comments
        '<section id="comments"><a href="/author/troll">Troll Account</a></section>',
    ],
)
def test_markup_that_is_no_byline_names_no_author(byline: str) -> None:
    tree = parse_html(page(byline))
    assert tree is not None
    assert metadata.markup_author(tree) is None


def test_a_single_word_tag_is_the_author_only_when_nothing_else_names_one() -> None:
    handle = '<meta name="author" content="harbourdesk">'
    alone = parse_html(page(extra=handle))
    with_byline = parse_html(page('<a href="/author/jane-roe">Jane Roe</a>', extra=handle))
    assert alone is not None and with_byline is not None
    assert page_metadata(alone).author == "Harbourdesk"
    assert page_metadata(with_byline).author == "Jane Roe"
