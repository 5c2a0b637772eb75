from __future__ import annotations

import pytest

from article_extractor.keys import (
    SUPPORTED_SUFFIXES,
    is_gzip_key,
    is_supported_key,
    output_key,
    supported_suffixes_text,
)


def test_output_key_appends_json_to_prefixed_source_key() -> None:
    assert output_key("extracted/", "a b/c+d.html") == "extracted/a b/c+d.html.json"


def test_output_key_with_empty_prefix_is_source_key_plus_json() -> None:
    assert output_key("", "news/page.html.gz") == "news/page.html.gz.json"


@pytest.mark.parametrize(
    "key",
    [
        "page.html",
        "news/page.htm",
        "archive/page.html.gz",
        "archive/page.htm.gz",
        "UPPER/PAGE.html",
    ],
)
def test_is_supported_key_accepts_the_lowercase_html_suffixes(key: str) -> None:
    assert is_supported_key(key)


def test_the_triggering_suffixes_are_exactly_the_four_lowercase_ones() -> None:
    assert SUPPORTED_SUFFIXES == (".html", ".htm", ".html.gz", ".htm.gz")
    assert supported_suffixes_text() == ".html, .htm, .html.gz or .htm.gz"


# S3 suffix filters compare case-sensitively: these never trigger, so they are not inputs.
@pytest.mark.parametrize("key", ["PAGE.HTML", "page.Htm", "Mixed/Page.Html.GZ", "page.HTM.gz"])
def test_is_supported_key_rejects_other_cases(key: str) -> None:
    assert not is_supported_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "notes.txt",
        "extracted/page.html.json",
        "x.gz",
        "page.html.bak",
        "html",
        "folder.html/",
        "page.xhtml.txt",
    ],
)
def test_is_supported_key_rejects_other_suffixes(key: str) -> None:
    assert not is_supported_key(key)


@pytest.mark.parametrize("key", ["page.html.gz", "x.gz", "PAGE.HTML.GZ"])
def test_is_gzip_key_true_for_gz_suffix(key: str) -> None:
    assert is_gzip_key(key)


@pytest.mark.parametrize("key", ["page.html", "page.gz.html", "page.tgz.bak", "gz"])
def test_is_gzip_key_false_without_gz_suffix(key: str) -> None:
    assert not is_gzip_key(key)


def test_no_supported_suffix_ends_another() -> None:
    # S3 refuses a notification configuration whose suffix filters of one event overlap.
    assert not [
        (longer, shorter)
        for longer in SUPPORTED_SUFFIXES
        for shorter in SUPPORTED_SUFFIXES
        if longer != shorter and longer.endswith(shorter)
    ]
