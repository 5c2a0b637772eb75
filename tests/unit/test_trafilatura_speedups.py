"""The trafilatura speed-ups return what trafilatura's own code returns, only where asked, and
only where their checks at import found trafilatura's internals as verified."""

from __future__ import annotations

import copy
import dataclasses
import logging
import sys
from pathlib import Path
from typing import Any

import lxml.etree
import pytest
import trafilatura
import trafilatura.core
import trafilatura.external
import trafilatura.htmlprocessing
import trafilatura.main_extractor
import trafilatura.settings
import trafilatura.xml
import trafilatura.xpaths
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.external import try_readability
from trafilatura.utils import trim
from trafilatura.xpaths import (
    OVERALL_DISCARD_XPATH,
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.keys import is_gzip_key
from article_extractor.options import DEFAULT_MAX_INPUT_BYTES
from article_extractor.pipeline.read.compression import gunzip_bounded, looks_gzipped
from article_extractor.pipeline.read.decoding import decode_html
from article_extractor.pipeline.read.parsing import parse_html
from article_extractor.pipeline.upstream import speedups as fast
from article_extractor.pipeline.upstream.checked_internals import verified

ROOT = Path(__file__).resolve().parents[2]
BASELINE = sys.modules["trafilatura.baseline"]
# trafilatura's own expression, where the speed-up does not replace it
STOCK_BASIC_CLEAN = trafilatura.settings.BASIC_CLEAN_XPATH
FILES = [
    *sorted((ROOT / "samples").glob("*.htm*")),
    *sorted((ROOT / "tests" / "fixtures").rglob("*.htm*")),
]
# The uploads that hold no page, and what the product says of them before any parse.
NOT_PAGES = {"broken-upload.html.gz": ErrorCode.INVALID_GZIP, "empty.html": ErrorCode.EMPTY_INPUT}
PAGES = [path for path in FILES if path.name not in NOT_PAGES]


def _page_html(path: Path) -> str:
    """A sample or fixture as the product reads it: gunzipped (`.gz` name or gzip bytes), then
    decoded as a browser would (BOM, declared charset, detection)."""
    data = path.read_bytes()
    if not data.strip():
        raise ProcessingError(ErrorCode.EMPTY_INPUT, "object is empty")
    if is_gzip_key(path.name) or looks_gzipped(data):
        data = gunzip_bounded(data, DEFAULT_MAX_INPUT_BYTES)
    return decode_html(data).text


def test_every_sample_and_fixture_is_a_page_or_said_not_to_be() -> None:
    assert {path.name for path in FILES} >= {
        *NOT_PAGES,
        "compressed-blog-post.html.gz",
        "utf16-bom.html",
        "russian-windows-1251.html",
    }
    for path in FILES:
        if path.name in NOT_PAGES:
            with pytest.raises(ProcessingError) as raised:
                _page_html(path)
            assert raised.value.code is NOT_PAGES[path.name]
        else:
            assert parse_html(_page_html(path)) is not None, path.name


def test_pages_are_decoded_as_the_product_decodes_them() -> None:
    texts = {path.name: _page_html(path) for path in PAGES}
    assert "<html" in texts["utf16-bom.html"].lower()
    assert "\ufffd" not in texts["utf16-bom.html"] + texts["russian-windows-1251.html"]
    assert any("\u0400" <= c <= "\u04ff" for c in texts["russian-windows-1251.html"])
    assert "<html" in texts["compressed-blog-post.html.gz"].lower()


def test_the_replacements_are_installed_where_trafilatura_calls_them() -> None:
    fast.install_fast_paths()
    for module in (trafilatura.core, trafilatura.main_extractor):
        assert (
            module.prune_unwanted_nodes.__wrapped__
            is trafilatura.htmlprocessing.prune_unwanted_nodes
        )
    assert BASELINE.BASIC_CLEAN_XPATH.__wrapped__ is STOCK_BASIC_CLEAN
    assert (
        trafilatura.core.compare_extraction.__wrapped__ is trafilatura.external.compare_extraction
    )


def _tree(html: str) -> HtmlElement:
    tree = parse_html(html)
    assert tree is not None
    return tree


BASIC_CLEAN_CASES = """<html><head><style>p{}</style><script>x()</script></head><body>
<aside>a</aside><footer>f</footer><template><p>t</p></template><svg><path/></svg>
<div class="site-footer">1</div><div id="footer-links" class="x">2</div>
<div class="x" id="footer">3: class comes first, no footer in it</div>
<div id="footer" class="x">4: id comes first</div><span class="footer">5: not a div</span>
<div class="Cookie-Banner">6</div><p id="ONETRUST-x">7</p><section class="cookiebar">8</section>
<div class="cookie_notice"><div class="cookie-consent">9 nested</div></div>
<div class="cookies">10: no match</div><div data-x="footer">11</div><p>12</p>
<fencedframe>13</fencedframe></body></html>"""


def test_basic_clean_targets_are_the_xpath_union() -> None:
    tree = _tree(BASIC_CLEAN_CASES)
    expected = STOCK_BASIC_CLEAN(tree)
    assert len(expected) > 10
    assert fast._basic_clean_targets(tree) == expected
    body = tree.find("body")
    assert body is not None
    assert fast._basic_clean_targets(body) == STOCK_BASIC_CLEAN(body)


NESTED = """<html><body><div class="main">
<div class="share"><div class="social"><p>nested match</p></div></div>
<div id="sidebar"><span class="widget">deeper</span><div><div class="menu">x</div></div></div>
<p>The article text goes here and is long enough to survive the guard against pruning too much
of the page at once, with several sentences of prose that carry the story forward.</p>
<p class="comments-title">3 comments</p><p aria-hidden="true">hidden</p>
</div></body></html>"""


def test_outermost_matches_are_trafilaturas() -> None:
    tree = _tree(NESTED)
    matches = dict.fromkeys(e for expression in OVERALL_DISCARD_XPATH for e in expression(tree))
    assert len(matches) >= 6
    expected = [e for e in matches if not any(a in matches for a in e.iterancestors())]
    assert fast._outermost(matches) == expected


def test_pruning_with_backup_leaves_the_same_tree() -> None:
    fast.install_fast_paths()
    ours, theirs = _tree(NESTED), _tree(NESTED)
    with fast.fast_paths():
        trafilatura.main_extractor.prune_unwanted_nodes(ours, OVERALL_DISCARD_XPATH, True)
    trafilatura.htmlprocessing.prune_unwanted_nodes(theirs, OVERALL_DISCARD_XPATH, True)
    assert tree_text(ours) == tree_text(theirs)
    assert "nested match" not in tree_text(ours)


# Every branch of the four expressions, with near misses: the sample the checks at import use.
RAW_PRUNE_CASES = fast.RAW_TREE_SAMPLE
RAW_PRUNE_EXPRESSIONS = [
    *RAW_TREE_PRUNE_XPATH,
    *REMOVE_COMMENTS_XPATH,
    *REMOVE_COMMENTS_AND_LISTS_XPATH,
]


@pytest.mark.parametrize("index", range(len(RAW_PRUNE_EXPRESSIONS)))
def test_raw_tree_selectors_return_what_the_xpath_returns(index: int) -> None:
    expression = RAW_PRUNE_EXPRESSIONS[index]
    assert id(expression) in fast._selectors()
    tree = _tree(RAW_PRUNE_CASES)
    expected = expression(tree)
    assert len(expected) >= 2
    assert fast.select(expression, tree) == expected
    for path in PAGES:  # and on every sample and fixture page
        page = _tree(_page_html(path))
        assert fast.select(expression, page) == expression(page), path.name


@pytest.mark.parametrize("index", range(len(OVERALL_DISCARD_XPATH)))
def test_discard_selectors_return_what_the_xpath_returns(index: int) -> None:
    expression = OVERALL_DISCARD_XPATH[index]
    assert id(expression) in fast._selectors()
    tree = _tree(fast.DISCARD_SAMPLE)
    expected = expression(tree)
    assert len(expected) >= 10
    assert fast.select(expression, tree) == expected
    for path in PAGES:  # and on every sample and fixture page, whole and from its body
        page = _tree(_page_html(path))
        body = page.find("body")
        assert body is not None, path.name
        for root in (page, body):
            assert fast.select(expression, root) == expression(root), path.name


def test_discard_walks_follow_the_order_of_id_class_and_style_on_the_element() -> None:
    # string(@id|@class) and re:test(@id|@style, ...) read the attribute written first
    tree = _tree(
        '<html><body><div class="x" id="cookie-1">a</div><div id="cookie-2" class="x">b</div>'
        '<i style="x" id="hidden">c</i><i id="hidden" style="x">d</i>'
        '<i class="reply-x" id="y">e</i><i id="y" class="reply-x">f</i></body></html>'
    )
    first, second = (fast.select(expression, tree) for expression in OVERALL_DISCARD_XPATH)
    assert [element.text for element in first] == ["b"]
    assert [element.text for element in second] == ["d", "e"]


def test_pruning_with_backup_uses_the_discard_walks(monkeypatch: pytest.MonkeyPatch) -> None:
    fast.install_fast_paths()
    calls: list[str] = []
    walks = dict(fast._selectors())
    for expression in OVERALL_DISCARD_XPATH:
        walk = walks[id(expression)]
        walks[id(expression)] = lambda tree, walk=walk: calls.append("walk") or walk(tree)
    monkeypatch.setattr(fast, "_selectors", lambda: walks)
    ours, theirs = _tree(fast.DISCARD_SAMPLE), _tree(fast.DISCARD_SAMPLE)
    with fast.fast_paths():
        trafilatura.main_extractor.prune_unwanted_nodes(ours, OVERALL_DISCARD_XPATH, True)
    trafilatura.htmlprocessing.prune_unwanted_nodes(theirs, OVERALL_DISCARD_XPATH, True)
    assert calls == ["walk", "walk"]
    assert lxml.etree.tostring(ours) == lxml.etree.tostring(theirs)


def test_pruning_without_backup_leaves_the_same_tree() -> None:
    fast.install_fast_paths()
    ours, theirs = _tree(RAW_PRUNE_CASES), _tree(RAW_PRUNE_CASES)
    for nodelist in (RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH):
        with fast.fast_paths():
            trafilatura.core.prune_unwanted_nodes(ours, nodelist)
        trafilatura.htmlprocessing.prune_unwanted_nodes(theirs, nodelist)
    assert lxml.etree.tostring(ours) == lxml.etree.tostring(theirs)
    assert "14 nested" not in tree_text(ours)
    assert "11: a list" in tree_text(ours)


def tree_text(tree: HtmlElement) -> str:
    return " ".join(tree.itertext())


def test_outside_the_block_trafilatura_runs_its_own_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast.install_fast_paths()
    calls: list[str] = []
    monkeypatch.setattr(fast, "_basic_clean_targets", lambda tree: calls.append("fast") or [])
    tree = _tree(BASIC_CLEAN_CASES)
    assert BASELINE.BASIC_CLEAN_XPATH(tree) == STOCK_BASIC_CLEAN(tree)
    assert calls == []
    with fast.fast_paths():
        BASELINE.BASIC_CLEAN_XPATH(tree)
    assert calls == ["fast"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_extraction_is_identical_with_and_without(path: Path) -> None:
    fast.install_fast_paths()
    html = _page_html(path)
    results = []
    for enabled in (False, True):
        tree = _tree(html)
        if enabled:
            with fast.fast_paths():
                document = bare_extraction(tree, include_comments=False, with_metadata=False)
        else:
            document = bare_extraction(tree, include_comments=False, with_metadata=False)
        results.append(None if document is None else document.text)
    assert results[0] == results[1]
    assert results[0], "every sample and fixture page has text"


READABILITY_CASES = [
    "<html><head><script>var long_script = 1;     </script><style>p { }</style></head><body>"
    + "<p>Prose, with a comma and enough words to be a paragraph of its own here.</p>" * 5
    + '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    + '<iframe src="https://vimeo.com/1">old text</iframe></body></html>',
    "<html><body><div>   spaced    out   </div><div><p>"
    + "A paragraph that readability will score, with commas, clauses, and words. " * 8
    + "</p></div><div class='sidebar'>Links and more links</div></body></html>",
]


@pytest.mark.parametrize(
    "html",
    [
        *(pytest.param(html, id=f"case-{n}") for n, html in enumerate(READABILITY_CASES)),
        *(pytest.param(_page_html(path), id=path.name) for path in PAGES),
    ],
)
def test_readability_text_is_within_the_bound(html: str) -> None:
    tree = _tree(html)
    bound = fast._readability_bound(tree, trim)
    algo = try_readability(copy.copy(tree))
    text = trim(lxml.etree.tostring(algo, method="text", encoding="unicode"))
    assert len(text) <= bound


def test_readability_is_skipped_only_when_it_cannot_win() -> None:
    seen: list[bool] = []
    stock = trafilatura.external.compare_extraction

    def spy(cleaned: Any, raw: HtmlElement, body: Any, text: str, options: Any) -> Any:
        seen.append(len(raw) < 2 and not " ".join(raw.itertext()).strip())
        return stock(cleaned, raw, body, text, options)

    article = "<p>" + "The ferry left the harbour at dawn, as it does every day. " * 20 + "</p>"
    short = "<html><body><article>" + article + "</article><nav>a b c</nav></body></html>"
    long_page = short.replace("<nav>a b c</nav>", "<div>" + "Other words here. " * 400 + "</div>")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trafilatura.core, "compare_extraction", fast._compare_replacement(spy, trim))
        for html in (short, long_page):
            tree = parse_html(html)
            with fast.fast_paths():
                bare_extraction(tree, include_comments=False)
            bare_extraction(parse_html(html), include_comments=False)  # not inside: never skipped
    assert seen == [True, False, False, False]


# ------------------------------------------------------------------ the checks at import
def disabled(step: str, check: Any, caplog: pytest.LogCaptureFixture, because: str) -> None:
    """Assert that `check` fails: the step is disabled with one warning giving `because`."""
    with caplog.at_level(logging.WARNING):
        assert verified(step, check) is None
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith(f"{step} disabled")
    assert because in caplog.records[0].getMessage()


def test_every_check_passes_on_the_installed_trafilatura_after_install() -> None:
    fast.install_fast_paths()  # the replacements in place are recognised as this module's
    for check in (
        fast._check_outermost,
        fast._check_basic_cleaning,
        fast._check_readability_skip,
        fast._check_raw_tree_walks,
        fast._check_discard_walks,
    ):
        assert check() is not None


def test_a_caller_with_another_pruning_function_disables_both_pruning_steps(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def prune_unwanted_nodes(tree: Any, nodelist: Any, with_backup: bool = False) -> Any:
        return tree

    monkeypatch.setattr(trafilatura.core, "prune_unwanted_nodes", prune_unwanted_nodes)
    disabled(fast.OUTERMOST_PRUNING, fast._check_outermost, caplog, "calls another")
    caplog.clear()
    disabled(fast.RAW_TREE_WALKS, fast._check_raw_tree_walks, caplog, "calls another")


def test_pruning_that_behaves_otherwise_disables_the_outermost_step(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Same name, same signature, called everywhere: but it no longer prunes with a backup.
    stock = trafilatura.htmlprocessing.prune_unwanted_nodes

    def prune_unwanted_nodes(tree: Any, nodelist: Any, with_backup: bool = False) -> Any:
        return tree if with_backup else stock(tree, nodelist)

    for module in (trafilatura.htmlprocessing, trafilatura.core, trafilatura.main_extractor):
        monkeypatch.setattr(module, "prune_unwanted_nodes", prune_unwanted_nodes)
    disabled(fast.OUTERMOST_PRUNING, fast._check_outermost, caplog, "leaves another tree")


def test_another_basic_cleaning_expression_disables_its_walk(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    expression = XPath(
        STOCK_BASIC_CLEAN.path + "|.//nav",
        namespaces={"re": "http://exslt.org/regular-expressions"},
    )
    monkeypatch.setattr(BASELINE, "BASIC_CLEAN_XPATH", expression)
    disabled(fast.BASIC_CLEANING, fast._check_basic_cleaning, caplog, "is not the expression")


def test_a_walk_that_selects_otherwise_on_the_sample_is_disabled(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The expression is the verified one, the walk is not what it was verified as.
    (name, index, walk, text), *others = fast.WALKS
    monkeypatch.setattr(fast, "WALKS", ((name, index, lambda tree: walk(tree)[1:], text), *others))
    disabled(fast.RAW_TREE_WALKS, fast._check_raw_tree_walks, caplog, "on the sample page")


def test_a_discard_walk_that_selects_otherwise_on_the_sample_is_disabled(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (name, index, walk, text), *others = fast.DISCARD_WALK_TABLE
    monkeypatch.setattr(
        fast, "DISCARD_WALK_TABLE", ((name, index, lambda tree: walk(tree)[:-1], text), *others)
    )
    disabled(fast.DISCARD_WALKS, fast._check_discard_walks, caplog, "on the sample page")


def test_another_discard_expression_disables_its_walks(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    expression = XPath(
        OVERALL_DISCARD_XPATH[1].path.replace("'reply-'", "'answer-'"),
        namespaces={"re": "http://exslt.org/regular-expressions"},
    )
    monkeypatch.setattr(
        trafilatura.xpaths, "OVERALL_DISCARD_XPATH", [OVERALL_DISCARD_XPATH[0], expression]
    )
    disabled(fast.DISCARD_WALKS, fast._check_discard_walks, caplog, "is not the expression")


def test_a_missing_expression_disables_the_walks(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(trafilatura.xpaths, "REMOVE_COMMENTS_AND_LISTS_XPATH")
    disabled(fast.RAW_TREE_WALKS, fast._check_raw_tree_walks, caplog, "is missing")


def test_compare_extraction_with_another_signature_keeps_readability(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stock = trafilatura.external.compare_extraction

    def compare_extraction(
        cleaned_tree: Any, raw_tree: Any, body: Any, text: str, options: Any, url: Any = None
    ) -> Any:
        return stock(cleaned_tree, raw_tree, body, text, options)

    monkeypatch.setattr(trafilatura.external, "compare_extraction", compare_extraction)
    monkeypatch.setattr(trafilatura.core, "compare_extraction", compare_extraction)
    disabled(fast.READABILITY_SKIP, fast._check_readability_skip, caplog, "url=None")


def test_a_rule_that_prefers_readability_sooner_keeps_readability(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def _prefer_readability(
        body: Any, algo_body: Any, algo_text: str, len_text: int, len_algo: int, options: Any
    ) -> bool:
        return len_algo > 1.5 * len_text

    monkeypatch.setattr(trafilatura.external, "_prefer_readability", _prefer_readability)
    disabled(fast.READABILITY_SKIP, fast._check_readability_skip, caplog, "prefers")


def test_a_disabled_step_is_not_installed() -> None:
    steps = dataclasses.replace(fast.checked(), readability=None, walks=None, discard=None)
    replaced = {(module, name) for module, name, _ in fast._replacements(steps)}
    assert ("trafilatura.core", "compare_extraction") not in replaced
    assert ("trafilatura.core", "prune_unwanted_nodes") in replaced  # for the outermost step
    steps = dataclasses.replace(steps, outermost=None)
    assert {name for _, name, _ in fast._replacements(steps)} == {"BASIC_CLEAN_XPATH"}


@pytest.mark.parametrize(("outermost", "walks"), [(True, False), (False, True)])
def test_the_pruning_replacement_leaves_a_disabled_step_to_trafilatura(
    outermost: bool, walks: bool
) -> None:
    calls: list[bool] = []

    def prune(tree: Any, nodelist: Any, with_backup: bool = False) -> Any:
        calls.append(with_backup)
        return tree

    stock = fast._StockPruning(prune, trafilatura.xml.delete_element)
    replacement = fast._pruning_replacement(stock, outermost=outermost, walks=walks)
    with fast.fast_paths():
        for with_backup in (True, False):
            replacement(_tree(RAW_PRUNE_CASES), REMOVE_COMMENTS_XPATH, with_backup)
    assert calls == [not outermost]  # only the disabled one reached trafilatura's function
