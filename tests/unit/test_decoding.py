from __future__ import annotations

import codecs

import pytest

from article_extractor.decoding import (
    charset_from_content_type,
    charset_from_meta,
    decode_html,
    normalize_encoding,
)
from article_extractor.errors import ErrorCode, ProcessingError
from tests.conftest import FIXTURES, SAMPLES

PAGE = "<!DOCTYPE html><html><body><p>The ferry left the harbour at dawn.</p></body></html>"
FILLER = "<p>The council met on Tuesday and discussed the budget for the coming year.</p>\n" * 60


def test_utf8_bom_is_stripped_and_reported() -> None:
    decoded = decode_html(codecs.BOM_UTF8 + "<p>Café</p>".encode())
    assert decoded.text == "<p>Café</p>"
    assert decoded.encoding == "utf-8"
    assert decoded.encoding_source == "bom"


def test_utf16_bom_fixture_decodes_to_its_text() -> None:
    decoded = decode_html((FIXTURES / "utf16-bom.html").read_bytes())
    assert "The observatory on Marrow Hill" in decoded.text
    assert not decoded.text.startswith("\ufeff")
    assert decoded.encoding.startswith("utf-16")
    assert decoded.encoding_source == "bom"


def test_utf16_le_without_bom_is_detected() -> None:
    decoded = decode_html(PAGE.encode("utf-16-le"))
    assert decoded.text == PAGE
    assert decoded.encoding == "utf-16-le"
    assert decoded.encoding_source == "detected"


def test_utf16_be_without_bom_is_detected() -> None:
    decoded = decode_html(PAGE.encode("utf-16-be"))
    assert decoded.text == PAGE
    assert decoded.encoding == "utf-16-be"


def test_windows_1251_sample_uses_meta_charset() -> None:
    decoded = decode_html((SAMPLES / "russian-windows-1251.html").read_bytes())
    assert "Осенняя ярмарка" in decoded.text
    assert decoded.encoding == "cp1251"
    assert decoded.encoding_source == "meta"


def test_content_type_header_charset_decodes_koi8r() -> None:
    text = "<html><body><p>Привет, мир! Осенняя ярмарка.</p></body></html>"
    decoded = decode_html(text.encode("koi8-r"), "text/html; charset=koi8-r")
    assert decoded.text == text
    assert decoded.encoding == "koi8-r"
    assert decoded.encoding_source == "http"


def test_header_charset_wins_over_meta_charset() -> None:
    text = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    decoded = decode_html(text.encode("koi8-r"), "text/html; charset=KOI8-R")
    assert "Привет, мир" in decoded.text
    assert decoded.encoding_source == "http"


def test_undeclared_latin1_fixture_decodes_accents() -> None:
    decoded = decode_html((FIXTURES / "no-lang-latin1.html").read_bytes())
    assert "Le marché couvert de la place" in decoded.text
    assert "\ufffd" not in decoded.text
    assert decoded.encoding_source == "detected"


def test_declared_latin1_page_with_valid_utf8_bytes_decodes_as_utf8() -> None:
    text = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    decoded = decode_html(text.encode("utf-8"))
    assert "café" in decoded.text
    assert "cafÃ©" not in decoded.text
    assert decoded.encoding == "utf-8"


def test_mostly_utf8_with_one_invalid_byte_stays_utf8() -> None:
    text = f"<html><body><p>Café crème — naïve</p>{FILLER}</body></html>"
    data = text.encode("utf-8").replace(b"Tuesday", b"Tues\xffday", 1)
    decoded = decode_html(data)
    assert decoded.encoding == "utf-8"
    assert "Café crème — naïve" in decoded.text
    assert decoded.text.count("\ufffd") == 1


def test_undeclared_cp1252_page_with_few_smart_quotes_keeps_them() -> None:
    # A long Western page saved by a Windows editor: ASCII plus a handful of curly quotes,
    # no charset anywhere. No byte sequence in it is valid multi-byte UTF-8.
    text = (
        f"<html><body>{FILLER}"
        "<p>It\u2019s the mayor\u2019s view that \u201cnothing\u201d changes.</p></body></html>"
    )
    decoded = decode_html(text.encode("cp1252"))
    assert "It\u2019s the mayor\u2019s view that \u201cnothing\u201d changes." in decoded.text
    assert "\ufffd" not in decoded.text


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="shift_jis">',
        '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
    ],
)
def test_shift_jis_page_with_meta_round_trips(meta: str) -> None:
    text = (
        f"<html><head>{meta}<title>東京の天気</title></head>"
        "<body><p>東京の天気は晴れです。ラーメンを食べました。</p></body></html>"
    )
    decoded = decode_html(text.encode("shift_jis"))
    assert decoded.text == text
    assert decoded.encoding_source == "meta"


@pytest.mark.parametrize(
    "signature",
    [b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"PK\x03\x04"],
    ids=["png", "pdf", "zip"],
)
def test_binary_signatures_are_not_html(signature: bytes) -> None:
    with pytest.raises(ProcessingError) as excinfo:
        decode_html(signature + b"<html><body>padding</body></html>" * 10)
    assert excinfo.value.code is ErrorCode.NOT_HTML


def test_decoding_keeps_every_character() -> None:
    # control characters are sanitize_html's business, in the same scan that removes them
    text = "<html>\r\n<body>\n\t<p>Tabbed\tparagraph\x00</p>\f\n</body></html>"
    assert decode_html(text.encode()).text == text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("Shift_JIS", "cp932"),
        ("euc-kr", "cp949"),
        ("windows-1251", "cp1251"),
        ("UTF-8", "utf-8"),
        (' "utf-8" ', "utf-8"),
    ],
)
def test_normalize_encoding_maps_labels_to_codecs(label: str, expected: str) -> None:
    assert normalize_encoding(label) == expected


@pytest.mark.parametrize("label", ["x-no-such-charset", "", None])
def test_normalize_encoding_unknown_label_is_none(label: str | None) -> None:
    assert normalize_encoding(label) is None


def test_charset_from_meta_finds_http_equiv_content_type() -> None:
    data = (
        b"<html><head>"
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        b"</head><body></body></html>"
    )
    assert charset_from_meta(data) == "windows-1252"


def test_charset_from_meta_finds_html5_meta_charset() -> None:
    assert charset_from_meta(b"<html><head><meta charset='koi8-r'>") == "koi8-r"


def test_charset_from_meta_is_none_without_declaration() -> None:
    assert charset_from_meta(b"<html><head><title>charset=utf-8</title></head>") is None


def test_charset_from_content_type_reads_the_parameter() -> None:
    assert charset_from_content_type("text/html; charset=koi8-r") == "koi8-r"
    assert charset_from_content_type('text/html; charset="UTF-8"') == "UTF-8"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None
