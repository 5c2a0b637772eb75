"""The trafilatura fast paths return what trafilatura's own code returns, and only where asked."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import lxml.etree
import pytest
import trafilatura
import trafilatura.htmlprocessing
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

from article_extractor.pipeline import trafilatura_speedups as fast
from article_extractor.pipeline.parsing import parse_html

ROOT = Path(__file__).resolve().parents[2]
BASELINE = sys.modules["trafilatura.baseline"]
PAGES = [
    *sorted((ROOT / "samples").glob("*.html")),
    *sorted((ROOT / "tests" / "fixtures").rglob("*.html")),
]


def _page_html(path: Path) -> str:
    """A sample or fixture page as text (PAGES are plain .html files)."""
    return path.read_bytes().decode("utf-8", "replace")


def test_trafilatura_is_the_verified_version() -> None:
    # The fast paths replace trafilatura internals: re-run this suite and bench/speed.py's
    # output comparison before moving the pin.
    assert trafilatura.__version__ == fast.VERIFIED_VERSION


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
    expected = fast._original_basic_clean(tree)
    assert len(expected) > 10
    assert fast._basic_clean_targets(tree) == expected
    body = tree.find("body")
    assert body is not None
    assert fast._basic_clean_targets(body) == fast._original_basic_clean(body)


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
    ours, theirs = _tree(NESTED), _tree(NESTED)
    with fast.fast_paths():
        fast.prune_unwanted_nodes(ours, OVERALL_DISCARD_XPATH, with_backup=True)
    trafilatura.htmlprocessing.prune_unwanted_nodes(theirs, OVERALL_DISCARD_XPATH, True)
    assert tree_text(ours) == tree_text(theirs)
    assert "nested match" not in tree_text(ours)


RAW_PRUNE_CASES = """<html><body><div id="main"><h1>Title</h1>
<div id="comments">1</div><section class="comment-list">2</section><div id="Comments">3</div>
<div id="commentary">4: commentary is not comments</div><div class="commentary">5: nor here</div>
<div class="x comment">6: class must start with comment</div><div class="article-comments">7</div>
<details id="comol-1">8</details><div id="disqus_thread">9</div><div id="dsq-comments">10</div>
<ol id="disqus_thread"><li>11: a list matched only by the disqus id stays</li></ol>
<ul class="comment-list"><li>12</li></ul><ol id="comments-ol"><li>13</li></ol>
<div id="comments"><div class="comment-body">14 nested in 1</div></div>
<p id="comments">15: not a container tag</p><div id="x-comments">16: id must start with it</div>
<div class="infinite-scroll">17: appended posts</div><section id="infinitescroll">18</section>
<aside class="infinite-scroll"><h1>19: holds an h1, kept</h1></aside>
<div class="mvp-post-add-box"><h1>20: the theme's box, pruned even with an h1</h1></div>
<div id="mvp-post-add-wrap">21</div><span class="infinite-scroll">22: not a section tag</span>
<div class="elementor-share-buttons--view">23</div><section class="elementor-share-buttons">24
</section><div data-class="elementor-share-buttons">25</div><div id="" class="">26</div>
</div></body></html>"""
RAW_PRUNE_EXPRESSIONS = [
    *RAW_TREE_PRUNE_XPATH,
    *REMOVE_COMMENTS_XPATH,
    *REMOVE_COMMENTS_AND_LISTS_XPATH,
]


@pytest.mark.parametrize("index", range(len(RAW_PRUNE_EXPRESSIONS)))
def test_raw_tree_selectors_return_what_the_xpath_returns(index: int) -> None:
    expression = RAW_PRUNE_EXPRESSIONS[index]
    assert id(expression) in fast._SELECTORS
    tree = _tree(RAW_PRUNE_CASES)
    expected = expression(tree)
    assert len(expected) >= 2
    assert fast.select(expression, tree) == expected
    for path in PAGES:  # and on every sample and fixture page
        page = parse_html(_page_html(path))
        if page is not None:
            assert fast.select(expression, page) == expression(page), path.name


def test_pruning_without_backup_leaves_the_same_tree() -> None:
    ours, theirs = _tree(RAW_PRUNE_CASES), _tree(RAW_PRUNE_CASES)
    for nodelist in (RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH):
        with fast.fast_paths():
            fast.prune_unwanted_nodes(ours, nodelist)
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
    assert BASELINE.BASIC_CLEAN_XPATH(tree) == fast._original_basic_clean(tree)
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
        tree = parse_html(html)
        if tree is None:
            pytest.skip("not HTML")
        if enabled:
            with fast.fast_paths():
                document = bare_extraction(tree, include_comments=False, with_metadata=False)
        else:
            document = bare_extraction(tree, include_comments=False, with_metadata=False)
        results.append(None if document is None else document.text)
    assert results[0] == results[1]


READABILITY_CASES = [
    "<html><head><script>var long_script = 1;     </script><style>p { }</style></head><body>"
    + "<p>Prose, with a comma and enough words to be a paragraph of its own here.</p>" * 5
    + '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    + '<iframe src="https://vimeo.com/1">old text</iframe></body></html>',
    "<html><body><div>   spaced    out   </div><div><p>"
    + "A paragraph that readability will score, with commas, clauses, and words. " * 8
    + "</p></div><div class='sidebar'>Links and more links</div></body></html>",
]


@pytest.mark.parametrize("html", [*READABILITY_CASES, *map(_page_html, PAGES)])
def test_readability_text_is_within_the_bound(html: str) -> None:
    tree = parse_html(html)
    if tree is None:
        pytest.skip("not HTML")
    bound = fast._readability_bound(tree)
    algo = try_readability(copy.copy(tree))
    text = trim(lxml.etree.tostring(algo, method="text", encoding="unicode"))
    assert len(text) <= bound


def test_readability_is_skipped_only_when_it_cannot_win() -> None:
    fast.install_fast_paths()
    seen: list[bool] = []
    original = fast._original_compare

    def spy(cleaned: Any, raw: HtmlElement, body: Any, text: str, options: Any) -> Any:
        seen.append(len(raw) < 2 and not " ".join(raw.itertext()).strip())
        return original(cleaned, raw, body, text, options)

    article = "<p>" + "The ferry left the harbour at dawn, as it does every day. " * 20 + "</p>"
    short = "<html><body><article>" + article + "</article><nav>a b c</nav></body></html>"
    long_page = short.replace("<nav>a b c</nav>", "<div>" + "Other words here. " * 400 + "</div>")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast, "_original_compare", spy)
        for html in (short, long_page):
            tree = parse_html(html)
            with fast.fast_paths():
                bare_extraction(tree, include_comments=False)
            bare_extraction(parse_html(html), include_comments=False)  # not inside: never skipped
    assert seen == [True, False, False, False]
