from __future__ import annotations

import base64
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article_extractor.urls import absolute_web_url, decode_metadata_value


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a",
        "http://example.com",
        "HTTPS://Example.COM/Path?q=1#top",
        "https://例え.jp/ニュース/記事",  # an IRI stays as given
        "https://example.com/caf\u00e9",
        "http://[2001:db8::1]:8080/x",
        "https://user@example.com/a",
    ],
)
def test_absolute_http_urls_are_kept_as_given(url: str) -> None:
    assert absolute_web_url(url) == url
    assert absolute_web_url(f"  {url}\n") == url  # surrounding whitespace is not part of it


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.com/a",
        "mailto:editor@example.com",
        "/news/a",
        "news/a",
        "//example.com/a",
        "?page=2",
        "hard::page.html",
        "xhttps://example.com/a",
        "https:example.com/a",
        "https:/example.com/a",
        "https:///a",
        "https://",
        "http://:80/",
        "http://[::1",
        "https://example.com:99999/",
        "https://exa mple.com/",
        "https://example.com/a\nSet-Cookie: x=1",
        "https://example.com/\x00",
        "https://example.com/\ud800",  # a lone surrogate (a JSON escape): no UTF-8 form
        "https://ex\udcffample.com/",
        "",
        "   ",
        None,
    ],
)
def test_anything_but_an_absolute_http_url_with_a_host_is_dropped(value: str | None) -> None:
    assert absolute_web_url(value) is None


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("/news/a", "https://example.com/x/y", "https://example.com/news/a"),
        ("b?c=1", "https://example.com/x/y", "https://example.com/x/b?c=1"),
        ("//cdn.example.com/a", "http://example.com/", "http://cdn.example.com/a"),
        ("https://other.example/a", "https://example.com/", "https://other.example/a"),
        ("javascript:alert(1)", "https://example.com/", None),
        ("/news/a", "javascript:alert(1)", None),  # a base that is no web URL resolves nothing
        ("/news/a", "/relative/base", None),
    ],
)
def test_relative_values_resolve_against_an_absolute_http_base(
    value: str, base: str, expected: str | None
) -> None:
    assert absolute_web_url(value, base=base) == expected


# Any code point, surrogates included (st.text() leaves them out).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))


@given(st.one_of(st.none(), ANY_TEXT), st.one_of(st.none(), ANY_TEXT))
def test_a_kept_url_always_has_a_web_scheme_and_a_host(value: str | None, base: str | None) -> None:
    url = absolute_web_url(value, base=base)
    if url is not None:
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https")
        assert parts.hostname
        assert url == url.strip()
        url.encode("utf-8")  # never a lone surrogate


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1))
def test_a_web_url_with_any_path_is_kept_as_given(path: str) -> None:
    url = f"https://example.com/{path.strip()}"
    assert absolute_web_url(url) == url


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("=?UTF-8?Q?https://example.com/caf=C3=A9?=", "https://example.com/café"),
        ("=?utf-8?q?https://example.com/a_b?=", "https://example.com/a b"),
        (
            "=?UTF-8?B?" + base64.b64encode("https://例え.jp/記事".encode()).decode() + "?=",
            "https://例え.jp/記事",
        ),
        ("=?UTF-8?Q?https://example.com/?= =?UTF-8?Q?caf=C3=A9?=", "https://example.com/café"),
    ],
)
def test_rfc_2047_metadata_values_are_decoded(encoded: str, decoded: str) -> None:
    assert decode_metadata_value(encoded) == decoded


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/a",
        "https://example.com/?q==?x?=",  # looks like part of an encoded word, is none
        "see =?UTF-8?Q?caf=C3=A9?= here",  # encoded words inside a value: S3 never writes that
        "=?base64?B?aGk=?=",  # a bytes-to-bytes codec is no charset
        "=?rot13?Q?uggcf?=",
        "=?x-no-such-charset?Q?abc?=",
        "=?UTF-8?Q?caf=E9?=",  # not UTF-8
        "",
    ],
)
def test_other_metadata_values_come_back_unchanged(value: str) -> None:
    assert decode_metadata_value(value) == value


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
def test_any_text_s3_encodes_decodes_back(text: str) -> None:
    encoded = base64.b64encode(text.encode()).decode()
    assert decode_metadata_value(f"=?UTF-8?B?{encoded}?=") == text


@given(st.text())
def test_decoding_never_raises(value: str) -> None:
    assert isinstance(decode_metadata_value(value), str)


def test_percent_encoded_urls_are_not_decoded() -> None:
    url = "https://example.com/" + quote("café")
    assert decode_metadata_value(url) == url
    assert absolute_web_url(url) == url
