from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from article_extractor.pipeline.extract import canonical_url, extract_article, page_language
from tests.conftest import FIXTURES, SAMPLES


def test_minimal_article_text_and_metadata() -> None:
    article = extract_article((FIXTURES / "minimal-article.html").read_text(encoding="utf-8"))
    assert article.title == "A quiet morning at the observatory"
    assert article.author == "Priya Raman"
    assert article.date == "2025-11-02"
    assert article.sitename == "Skyline Notes"
    assert article.language == "en"
    assert article.canonical_url == "https://skyline-notes.example/posts/quiet-morning"
    assert article.hostname == "skyline-notes.example"
    assert "The observatory on Marrow Hill" in article.text
    assert "the dome closed at seven" in article.text


def test_boilerplate_around_the_article_is_left_out() -> None:
    html = (SAMPLES / "english-news-article.html").read_text(encoding="utf-8")
    article = extract_article(html, url="https://harbour-gazette.example/x")
    assert "riverside tram line" in article.text
    assert "construction is expected to begin next spring" in article.text
    for clutter in ("We use cookies", "Most read", "Manage preferences"):
        assert clutter not in article.text


def test_url_hint_is_used_when_the_page_names_no_url() -> None:
    html = "<html><body><article><p>" + "Plain words here. " * 20 + "</p></article></body></html>"
    article = extract_article(html, url="https://example.org/story")
    assert article.url == "https://example.org/story"
    assert article.canonical_url is None


def test_page_without_article_text_keeps_its_metadata() -> None:
    article = extract_article("<html><head><title>Only a title</title></head><body></body></html>")
    assert article.text == ""
    assert article.title == "Only a title"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html lang="en-GB"><body></body></html>', "en"),
        ('<html lang="pt_BR"><body></body></html>', "pt"),
        (
            '<html><head><meta http-equiv="Content-Language" content="de"></head><body></body>'
            "</html>",
            "de",
        ),
        (
            '<html><head><meta property="og:locale" content="fr_FR"></head><body></body></html>',
            "fr",
        ),
        ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr"><body></body></html>', "fr"),
        ('<html lang=""><body></body></html>', None),
        ('<html lang="x-klingon-1"><body></body></html>', None),
        ('<html lang="эн-RU"><body></body></html>', None),  # letters, but no language subtag
        ('<html lang="ελ"><head><meta property="og:locale" content="el_GR"></head></html>', "el"),
    ],
)
def test_page_language_from_declarations(html: str, expected: str | None) -> None:
    assert page_language(load_html(html)) == expected


def test_relative_canonical_is_resolved_against_the_page_url() -> None:
    tree = load_html(
        '<html><head><link rel="Canonical" href="/a/b?c=1"></head><body></body></html>'
    )
    assert canonical_url(tree, "https://example.com/x/y") == "https://example.com/a/b?c=1"
    assert canonical_url(tree, None) is None  # relative and nothing to resolve against


def test_declarations_after_a_second_html_element_count() -> None:
    html = (
        "<html><body><p>First.</p></body></html><html><head>"
        '<meta property="og:locale" content="de_DE">'
        '<link rel="Canonical" href="https://example.com/a"></head></html>'
    )
    tree = load_html(html)
    assert tree is not None and tree.getnext() is not None
    assert page_language(tree) == "de"
    assert canonical_url(tree, None) == "https://example.com/a"


ARTICLE_BODY = (
    "<body><article><p>" + "Plain words of the story here. " * 20 + "</p></article></body>"
)


@pytest.mark.parametrize(
    "hint",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "/news/story", "hard::page.html", ""],
)
def test_a_url_hint_that_is_no_web_url_never_becomes_the_document_url(hint: str) -> None:
    article = extract_article(f"<html>{ARTICLE_BODY}</html>", url=hint)
    assert article.url is None
    assert article.canonical_url is None


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="javascript:alert(1)">',
        '<meta property="og:url" content="data:text/html,x">',
        '<meta name="twitter:url" content="javascript:alert(1)">',
        '<link rel="canonical" href="http://[::1">',  # urljoin raised ValueError on it
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "A story", "url": "javascript:alert(1)"}</script>',
    ],
)
def test_page_urls_that_are_no_web_urls_are_dropped(head: str) -> None:
    html = f"<html><head>{head}</head>{ARTICLE_BODY}</html>"
    assert extract_article(html).url is None
    hinted = extract_article(html, url="https://example.com/story")
    assert hinted.url == "https://example.com/story"
    assert hinted.canonical_url is None


def test_relative_page_urls_resolve_against_the_hint() -> None:
    html = f'<html><head><meta property="og:url" content="/news/story"></head>{ARTICLE_BODY}</html>'
    article = extract_article(html, url="https://example.com/feed/item")
    assert article.canonical_url == "https://example.com/news/story"
    assert article.url is not None and article.url.startswith("https://example.com/")
    assert extract_article(html).url is None  # nothing to resolve against
