"""sanitize_html and parse_html's markup repairs: what trafilatura's load_html parses, one scan."""

from __future__ import annotations

import pytest
from lxml.etree import tostring
from trafilatura.utils import load_html, repair_faulty_html

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.read.parsing import _checked_repairs, _repair_markup, parse_html
from article_extractor.pipeline.read.sanitize import (
    _CONTROL_CHARACTERS,
    has_control_characters,
    sanitize_html,
)


def test_control_characters_and_noncharacters_are_removed() -> None:
    prose = "<p>" + "The ferry left the harbour at dawn. " * 10 + "</p>"
    text = (
        f"<html><body>{prose}<p>a\x00b\x0bc\x0cd\x1fe\x7ff\ufffeg\uffffh\ti\nj\rk</p></body></html>"
    )
    expected = f"<html><body>{prose}<p>abcdefgh\ti\nj\rk</p></body></html>"
    assert sanitize_html(text) == expected


@pytest.mark.parametrize("widest", ["", "\u00e9", "\u0101", "\U0001f600"])
def test_control_characters_are_found_as_the_regex_finds_them(widest: str) -> None:
    # Every character of the BMP and a few astral ones, lone surrogates included, in strings of
    # each internal width (Latin-1, UCS-2, UCS-4).
    characters = [*range(0x10000), 0x10000, 0x1FFFE, 0x1FFFF, 0x10FFFF]
    for code in characters:
        text = f"<p>{widest}a{chr(code)}b</p>"
        assert has_control_characters(text) is bool(_CONTROL_CHARACTERS.search(text)), hex(code)
    assert not has_control_characters(f"<p>{widest}plain\t\n\r text</p>")


def test_mostly_control_characters_is_binary() -> None:
    text = "<html><body>" + "\x00\x01\x02\x03\x05\x06\x07\x0eA\x10" * 100 + "</body></html>"
    with pytest.raises(ProcessingError) as excinfo:
        sanitize_html(text)
    assert excinfo.value.code is ErrorCode.NOT_HTML


def test_a_few_control_characters_are_only_removed() -> None:
    text = "<html><body><p>" + "word " * 200 + "\x00\x01</p></body></html>"
    assert "\x00" not in sanitize_html(text)


def test_tabs_newlines_and_form_feeds_are_not_binary() -> None:
    text = "<html><body>" + "\t\n\r\x0c" * 1000 + "<p>text</p></body></html>"
    assert sanitize_html(text).count("\t") == 1000


XHTML_DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"/>'


@pytest.mark.parametrize(
    "text",
    [
        XHTML_DOCTYPE + "\n<html><body><p>A</p></body></html>",
        XHTML_DOCTYPE + "<html><body><p>A</p></body></html>",
        "<!DOCTYPE html><html><body><p>A</p></body></html>",
        "<!DOCTYPE html>\n<html><body><p>A</p></body></html>",
        '<!doctype html>\n<html lang="en"/>\n<body><p>A</p></body>',
        '<html xmlns="http://www.w3.org/1999/xhtml"/><body><p>A</p></body>',
        "<html><body><p>A</p></body></html>",
    ],
)
def test_markup_repairs_are_trafilaturas(text: str) -> None:
    beginning = text[:50].lower()
    repairs = _checked_repairs()
    assert repairs is not None  # trafilatura's repairs passed their check
    assert _repair_markup(text, beginning, repairs) == repair_faulty_html(text, beginning)
    ours, theirs = parse_html(sanitize_html(text)), load_html(text)
    assert ours is not None and theirs is not None
    assert tostring(ours) == tostring(theirs)
