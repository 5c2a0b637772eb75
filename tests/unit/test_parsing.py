"""parse_html builds the tree trafilatura's load_html builds, with a C-level class lookup; the
internals behind both checked at import, lxml's and trafilatura's own code without them."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import trafilatura.utils
from lxml import etree
from lxml.html import FormElement, HtmlElement, HtmlElementClassLookup, InputElement
from trafilatura.utils import load_html

from article_extractor.errors import ProcessingError
from article_extractor.pipeline.read import parsing
from article_extractor.pipeline.read.parsing import (
    MAX_DEPTH,
    element_count,
    flatten_deep_subtrees,
    parse_html,
    parse_page,
)
from article_extractor.pipeline.upstream.checked_internals import verified

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


# ------------------------------------------------------------------ nesting past libxml2's limit
def _depth(tree: HtmlElement) -> int:
    """Levels of elements below and including the root."""
    return max(sum(1 for _ in element.iterancestors()) + 1 for element in tree.iter())


@pytest.mark.parametrize("page", PAGES)
def test_a_page_within_the_limits_is_flattened_nowhere(page: str) -> None:
    assert parse_page(page).flattened_subtrees == 0


def test_a_page_at_the_deepest_level_libxml2_builds_is_parsed_as_ever() -> None:
    page = "<html><body>" + "<div>" * (MAX_DEPTH - 2) + "deepest</body></html>"
    parsed = parse_page(page)
    assert parsed.tree is not None and parsed.flattened_subtrees == 0
    assert _depth(parsed.tree) == MAX_DEPTH
    assert etree.tostring(parsed.tree) == etree.tostring(load_html(page))


def test_subtrees_below_the_limit_are_flattened_to_their_text() -> None:
    deep = "<div><p>one <b>two</b></p><script>var s = 'hidden';</script><td>three</td>"
    page = f"<html><body><p>before</p>{'<div>' * 300}{deep * 5}{'</div>' * 400}<p>after</p>"
    parsed = parse_page(page)
    assert parsed.tree is not None
    assert parsed.flattened_subtrees == 1
    assert _depth(parsed.tree) == MAX_DEPTH
    text = " ".join(" ".join(parsed.tree.itertext()).split())
    assert text == "before " + "one two three " * 5 + "after"


def test_a_tree_without_deep_subtrees_is_left_as_it_is() -> None:
    tree = parse_html(PAGES[0])
    assert tree is not None
    before = etree.tostring(tree)
    assert flatten_deep_subtrees(tree) == 0
    assert etree.tostring(tree) == before


def test_each_deep_subtree_is_flattened_on_its_own() -> None:
    branch = "<div>" * 300 + "leaf" + "</div>" * 300
    parsed = parse_page(f"<html><body>{branch}<p>middle</p>{branch}</body></html>")
    assert parsed.flattened_subtrees == 2
    assert parsed.tree is not None
    assert " ".join(" ".join(parsed.tree.itertext()).split()) == "leaf middle leaf"


@pytest.mark.parametrize("searching", ["</i>", "<body>"])
def test_a_deep_page_with_too_many_stack_searches_is_too_complex(searching: str) -> None:
    page = "<html><body>" + "<div>" * 300 + searching * (parsing.MAX_HUGE_TREE_END_TAGS + 1)
    with pytest.raises(ProcessingError, match="huge_tree") as raised:
        parse_page(page)
    assert raised.value.code == "too_complex"


# ------------------------------------------------------------------ the checks at import
def disabled(step: str, check: Any, caplog: pytest.LogCaptureFixture, because: str) -> None:
    """Assert that `check` fails: `step` is disabled with one warning giving `because`."""
    with caplog.at_level(logging.WARNING):
        assert verified(step, check) is None
    assert len(caplog.records) == 1
    assert because in caplog.records[0].getMessage()


def test_both_pass_their_checks_on_the_installed_libraries() -> None:
    assert parsing._check_class_lookup() == parsing._class_table()
    assert parsing._check_repairs() == parsing._checked_repairs()


def test_without_lxml_s_table_the_lookup_is_lxml_s_own(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(HtmlElementClassLookup, "_default_element_classes")
    disabled(parsing.CLASS_LOOKUP, parsing._check_class_lookup, caplog, "no table of classes")
    monkeypatch.undo()
    monkeypatch.setattr(parsing, "_class_table", lambda: None)
    parser = parsing._parser()
    tree = etree.fromstring(PAGES[1], parser)
    assert isinstance(tree.find(".//form"), FormElement)
    assert isinstance(tree.find(".//input"), InputElement)


def test_a_lookup_that_no_longer_follows_its_table_disables_the_c_lookup(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stock = HtmlElementClassLookup.lookup

    def lookup(self: Any, node_type: str, document: Any, namespace: Any, name: str) -> Any:
        return FormElement if name == "p" else stock(self, node_type, document, namespace, name)

    monkeypatch.setattr(HtmlElementClassLookup, "lookup", lookup)
    disabled(parsing.CLASS_LOOKUP, parsing._check_class_lookup, caplog, "other element classes")


def test_a_load_html_that_repairs_otherwise_disables_the_repairs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The regular expressions are there, but load_html no longer repairs a self-closing root.
    stock = trafilatura.utils.repair_faulty_html
    monkeypatch.setattr(
        trafilatura.utils,
        "repair_faulty_html",
        lambda text, beginning: stock(text.replace("<html/>", "<html />x"), beginning),
    )
    disabled(parsing.TRAFILATURA_REPAIRS, parsing._check_repairs, caplog, "another tree")


def test_a_missing_repair_disables_the_repairs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(trafilatura.utils, "FAULTY_HTML")
    disabled(parsing.TRAFILATURA_REPAIRS, parsing._check_repairs, caplog, "FAULTY_HTML is missing")


def test_another_html_test_disables_the_repairs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(trafilatura.utils, "is_dubious_html", lambda beginning: False)
    disabled(parsing.TRAFILATURA_REPAIRS, parsing._check_repairs, caplog, "is_dubious_html")


@pytest.mark.parametrize("page", [*PAGES, "just some words, not markup at all"])
def test_without_the_repairs_the_parse_is_trafilaturas(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsing, "_checked_repairs", lambda: None)
    ours, theirs = parse_html(page), load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert etree.tostring(ours) == etree.tostring(theirs)
