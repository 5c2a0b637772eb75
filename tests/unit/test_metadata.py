from __future__ import annotations

import pytest

from article_extractor.pipeline.extract import extract_article
from article_extractor.pipeline.title_author import clean_author, clean_title
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("title", "sitename", "hostname", "expected"),
    [
        ("Council approves tram line | The Harbour Gazette", "The Harbour Gazette", None,
         "Council approves tram line"),
        ("Harbour Gazette: Council approves tram line", "Harbour Gazette", None,
         "Council approves tram line"),
        ("Council approves tram line - harbour-gazette.example", None,
         "www.harbour-gazette.example", "Council approves tram line"),
        ("Council approves tram line \u2014 Harbour Gazette", "The Harbour Gazette", None,
         "Council approves tram line"),
        # A colon that is part of the headline stays.
        ("Review: the best tram lines of 2026", "Harbour Gazette", None,
         "Review: the best tram lines of 2026"),
        ("Brexit: what happens next", None, "bbc.co.uk", "Brexit: what happens next"),
        (None, "Harbour Gazette", None, None),
    ],
)  # fmt: skip
def test_clean_title_removes_only_the_site_name(
    title: str | None, sitename: str | None, hostname: str | None, expected: str | None
) -> None:
    assert clean_title(title, sitename, hostname) == expected


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("By Maya Lindqvist", "Maya Lindqvist"),
        ("Von Jonas Weißmann; Redakteur", "Jonas Weißmann"),
        ("Jane Doe; Staff Writer", "Jane Doe"),
        ("Written by: Jane Doe", "Jane Doe"),
        ("Par Claire Martin", "Claire Martin"),
        ("@jdoe; Jane Doe; jane doe", "Jane Doe"),
        ("Jane Doe; John Smith", "Jane Doe; John Smith"),
        ("Redaktion", None),
        (None, None),
    ],
)
def test_clean_author_keeps_names_only(author: str | None, expected: str | None) -> None:
    assert clean_author(author) == expected


def test_page_metadata_is_normalised_end_to_end() -> None:
    html = (
        """<html><head><title>Harbour Gazette: Night buses return to the old town</title>
    <meta property="og:site_name" content="Harbour Gazette">
    <meta name="author" content="By Maya Lindqvist, Senior Correspondent">
    <meta property="article:published_time" content="2026-03-14T08:30:00+01:00">
    </head><body><article><p>"""
        + "Night buses return to the old town after a long break. " * 8
        + ("</p></article></body></html>")
    )
    article = extract_article(html)
    assert article.title == "Night buses return to the old town"
    assert article.author == "Maya Lindqvist"
    assert article.date == "2026-03-14"
    assert article.language == "en"  # declared nowhere: detected from the text


def test_undeclared_language_is_detected_from_the_text() -> None:
    raw = (FIXTURES / "no-lang-latin1.html").read_bytes().decode("latin-1")
    assert extract_article(raw).language == "fr"


def test_declared_language_wins_over_detection() -> None:
    html = (
        '<html lang="de"><body><article><p>'
        + "The council voted on Thursday night to approve the new line. " * 6
        + "</p></article></body></html>"
    )
    assert extract_article(html).language == "de"


def test_the_main_heading_is_the_title_when_the_declared_title_says_the_same() -> None:
    from article_extractor.pipeline.title_author import choose_title

    declared = ["Zero waste living guide for beginners: a beginner's guide | Earth Site"]
    assert (
        choose_title(
            ["Earth Site", "A Beginner's Guide To Zero Waste Living"], declared, "Earth Site", None
        )
        == "A Beginner's Guide To Zero Waste Living"
    )
    # A heading that is not the article's (a newsletter box, a site banner) does not win.
    assert (
        choose_title(["Subscribe to our letter"], ["Council approves tram line | Harbour Gazette"],
                     "Harbour Gazette", "harbourgazette.example")
        == "Council approves tram line"
    )  # fmt: skip


def test_a_segment_naming_the_site_by_its_host_leaves_the_declared_title() -> None:
    from article_extractor.pipeline.title_author import choose_title

    assert choose_title([], ["Klatch Coffee | Shopify App Store"], None, "apps.shopify.com") == (
        "Klatch Coffee"
    )
    declared = ["Build your first app | Get started | Android Developers"]
    assert choose_title([], declared, None, "developer.android.com") == (
        "Build your first app | Get started"
    )
    assert choose_title([], ["Pros and cons - a review"], None, "example.com") == (
        "Pros and cons - a review"
    )
