"""The product's date search: dates that cheap evidence gives are still found, the slow steps
are not paid for where that evidence exists, dateparser reads only the page's language, the last
resort reads no script, and none of it reaches a `find_date` outside the product's search."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import htmldate.core
import htmldate.extractors
import pytest
from htmldate import find_date
from hypothesis import given, settings
from hypothesis import strategies as st

from article_extractor.pipeline.extract import extract_article
from article_extractor.pipeline.metadata import date_search, page_metadata
from article_extractor.pipeline.upstream.checked_internals import verified

LOW, HIGH = datetime(1995, 1, 1), datetime(2030, 12, 31)
BODY = "<p>" + "The council approved the new tram line after a long debate. " * 8 + "</p>"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><title>Tram</title>{head}</head><body>{body}{BODY}</body>'


@pytest.fixture
def slow_steps(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts the calls of htmldate's two slow steps: its last-resort search and dateparser."""
    calls = {"search_page": 0, "dateparser": 0}
    date_search._installed()

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            calls[name] += 1
            return function(*args)

        return call

    monkeypatch.setattr(
        htmldate.core, "search_page", counting("search_page", htmldate.core.search_page)
    )
    monkeypatch.setattr(
        htmldate.extractors,
        "_external_date",
        counting("dateparser", htmldate.extractors._external_date),
    )
    return calls


@pytest.mark.parametrize(
    ("html", "url", "date"),
    [
        (
            page('<meta property="article:published_time" content="2024-03-05T10:00:00Z">'),
            None,
            "2024-03-05",
        ),
        (
            page(
                '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2023-11-02T08:00:00+01:00"}</script>'
            ),
            None,
            "2023-11-02",
        ),
        (page(), "https://example.com/2022/06/14/tram-line", "2022-06-14"),
        (
            page(body='<time datetime="2021-09-30" class="entry-date">30 Sep</time>'),
            None,
            "2021-09-30",
        ),
    ],
)
def test_dates_from_cheap_evidence_are_found_without_the_slow_steps(
    html: str, url: str | None, date: str, slow_steps: dict[str, int]
) -> None:
    assert extract_article(html, url).date == date
    assert slow_steps == {"search_page": 0, "dateparser": 0}


def test_a_date_only_dateparser_reads_is_found_in_the_pages_language() -> None:
    french = page(body='<p class="date">4 févr. 2025</p>', lang="fr")
    assert extract_article(french).date == "2025-02-04"


def test_a_page_in_another_language_still_reads_an_english_date() -> None:
    """Templates and plug-ins print English dates on pages in any language."""
    arabic = page(body='<span class="date">Feb. 19 2020</span>', lang="ar")
    assert extract_article(arabic).date == "2020-02-19"


def test_dateparser_is_given_only_the_declared_language(monkeypatch: pytest.MonkeyPatch) -> None:
    languages: list[str] = []
    parser = date_search._parser

    def recording(language: str) -> Any:
        languages.append(language)
        return parser(language)

    monkeypatch.setattr(date_search, "_parser", recording)
    html = page(body='<div class="post-date">Feb. 27, 2025</div>', lang="en-GB")
    assert extract_article(html).date == "2025-02-27"
    assert set(languages) == {"en"}


def test_the_language_of_one_search_never_reaches_htmldates_shared_cache() -> None:
    """htmldate caches what it parsed across pages and callers: an answer limited to one page's
    language must not become another caller's answer (trafilatura's, or the stock baseline's)."""
    french_date = "4 févr. 2025"
    with date_search.date_paths("en"):
        assert htmldate.extractors.try_date_expr(french_date, "%Y-%m-%d", True, LOW, HIGH) is None
    assert htmldate.extractors.try_date_expr(french_date, "%Y-%m-%d", True, LOW, HIGH) == (
        "2025-02-04"
    )


# A page whose only dates are a footer's year and a date in a script.
SCRIPT_DATE = page(
    body='<script>var built = "2019-05-17";</script><footer><p>&copy; 2015 Harbour</p></footer>'
)


def test_the_last_resort_reads_no_script_inside_the_search_only() -> None:
    date_search._installed()
    params = {"original_date": True, "max_date": "2024-12-31"}
    assert find_date(SCRIPT_DATE, **params) == "2019-05-17"  # htmldate's own search, unchanged
    with date_search.date_paths("en"):
        assert find_date(SCRIPT_DATE, **params) == "2015-01-01"
    assert find_date(SCRIPT_DATE, **params) == "2019-05-17"


def test_a_posting_that_dates_the_page_spares_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    searches: list[object] = []
    monkeypatch.setattr(page_metadata, "find_date", lambda *a, **k: searches.append(a))
    posting = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "DiscussionForumPosting",
            "headline": "Tram line",
            "datePublished": "2020-04-01T09:00:00Z",
            "author": {"@type": "Person", "name": "tramfan"},
        }
    )
    html = page(f'<script type="application/ld+json">{posting}</script>')
    assert extract_article(html).date == "2020-04-01"
    assert searches == []


def test_without_htmldates_names_the_search_is_htmldates_own(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(htmldate.extractors, "month_words")
    with caplog.at_level(logging.WARNING):
        assert verified(date_search.LANGUAGE_PARSER, date_search._check_htmldate) is None
    assert "month_words is missing" in caplog.records[0].getMessage()


def test_a_last_resort_that_is_not_search_page_is_left_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(htmldate.core, "search_page", lambda htmlstring, options: None)
    with caplog.at_level(logging.WARNING):
        assert verified(date_search.VISIBLE_TEXT_SEARCH, date_search._check_search_page) is None
    assert caplog.records


def test_every_step_is_enabled_on_the_installed_htmldate() -> None:
    steps = {
        date_search.LANGUAGE_PARSER,
        date_search.VISIBLE_TEXT_SEARCH,
        date_search.FASTER_LAST_RESORT,
    }
    assert date_search._installed() == steps


# ------------------------------------------------------------------ the last resort, faster
FRAGMENTS = st.sampled_from(
    [
        "2020",
        "1999",
        "2031",
        "19",
        "20",
        "03",
        "12",
        "7",
        "0",
        "-",
        "/",
        ".",
        " ",
        ",",
        "of ",
        "th",
        "st",
        "March",
        "mars",
        "Feb.",
        "Juli",
        "w3.org",
        "©",
        "x" * 70,
        "Lorem ipsum ",
        "<p class='d'>",
        "</p>",
        "_",
        "٣",
        "\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=60).map("".join))
def test_the_digit_patterns_find_the_same_in_the_digit_stretches(text: str) -> None:
    for name in date_search.DIGIT_PATTERNS:
        pattern = getattr(htmldate.core, name)
        assert pattern.findall(date_search.digit_stretches(text)) == pattern.findall(text), name


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=60).map("".join))
def test_the_search_near_years_finds_what_the_text_date_pattern_finds(text: str) -> None:
    pattern = date_search._checked_last_resort().long_text  # htmldate's own
    years = [match.start() for match in date_search._YEAR_STARTS.finditer(text)]
    for position in range(len(text) + 1):  # regex_parse searches on from any match's start + 1
        ours = date_search._search_near_years(pattern, text, position, years)
        assert date_search._same_match(ours, pattern.search(text, position)), position


def test_every_check_passes_again_once_installed() -> None:
    date_search._installed()
    assert date_search._check_htmldate() is not None
    assert date_search._check_search_page() is not None
    assert date_search._check_last_resort() is not None
