"""parse_html builds the tree trafilatura's load_html builds, with a C-level class lookup."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml.html import FormElement, HtmlElement, InputElement
from trafilatura.utils import load_html

from article_extractor.pipeline.parsing import element_count, parse_html

PAGES = [
    "<!DOCTYPE html><html lang='en'><head><title>T</title></head>"
    "<body><article><h1>Head</h1><p>One <b>two</b> three.</p></article></body></html>",
    "<html><body><form action='/s'><input name='q'><select><option>a</option></select>"
    "<textarea>t</textarea><label>l</label></form><p>Text</p></body></html>",
    # lxml refuses a str with an encoding declaration: both fall back to parsing bytes.
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared</p></body></html>',
    # a self-closing root and a doctype with a system id on its first line get repaired
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1.dtd">\n'
    "<html/>\n<body><p>Repaired</p></body>",
    "<html><body><div>no paragraph <span>at all</span></div>tail</body></html>",
]


@pytest.mark.parametrize("page", PAGES)
def test_same_tree_as_trafilatura(page: str) -> None:
    ours, theirs = parse_html(page), load_html(page)
    assert ours is not None and theirs is not None
    assert etree.tostring(ours) == etree.tostring(theirs)


@pytest.mark.parametrize("text", ["just some words, not markup at all", "{}"])
def test_not_html_is_refused_like_trafilatura(text: str) -> None:
    assert load_html(text) is None
    assert parse_html(text) is None


def test_element_classes_are_lxml_html_ones() -> None:
    tree = parse_html(PAGES[1])
    assert tree is not None
    assert type(tree) is HtmlElement
    assert isinstance(tree.find(".//form"), FormElement)
    assert isinstance(tree.find(".//input"), InputElement)
    assert all(isinstance(element, HtmlElement) for element in tree.iter())
    # copies (trafilatura deep-copies the tree several times) keep the lookup
    from copy import deepcopy

    assert isinstance(deepcopy(tree).find(".//form"), FormElement)


@pytest.mark.parametrize("page", PAGES)
def test_element_count(page: str) -> None:
    tree = parse_html(page)
    assert tree is not None
    assert element_count(tree) == sum(1 for _ in tree.iter())
