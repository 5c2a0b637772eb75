"""Faster, result-identical versions of five trafilatura steps, used only inside `fast_paths()`
(the product's own extraction): any other trafilatura call in the process, such as
bench/speed.py's stock baseline, runs trafilatura's code unchanged.

1. `prune_unwanted_nodes(..., with_backup=True)` (main extraction, every page) keeps only the
   matched elements that have no matched ancestor. trafilatura walks every match's ancestors to
   the root; `_outermost` stops at the first ancestor already known to be inside or outside a
   match. Same elements, same order.
2. `BASIC_CLEAN_XPATH` (`basic_cleaning`, run by the escalation measure `html2txt`, the baseline
   and jusText, on half the pages) is an XPath union whose cookie-banner branch calls Python's
   `re` through EXSLT twice per element. `_basic_clean_targets` selects the same elements, in
   document order, in one walk that tests class and id only on elements that have them.
3. `compare_extraction` runs readability on every page, but `_prefer_readability` keeps
   trafilatura's own text whenever it is non-empty, structurally sound (paragraph text, no more
   tables than paragraphs) and more than half as long as readability's. Readability only keeps
   or drops text of the page (scripts and styles dropped, "VIDEO" written into a video iframe),
   so its whitespace-collapsed length is at most `_readability_bound(page)`; when that bound is
   at most twice the own text, readability cannot win and runs on an empty page instead. Half
   of the pages skip it.
4. `prune_unwanted_nodes` without backup on the raw tree (every page): the infinite-scroll,
   share-button and comment-section expressions (RAW_TREE_PRUNE_XPATH,
   REMOVE_COMMENTS(_AND_LISTS)_XPATH) call EXSLT's re:test twice per div, section, list...
   `select` walks those tags and runs the same regexes on id and class directly.
5. `OVERALL_DISCARD_XPATH` (the main extraction's pruning with backup, every page, and the
   raw tree's before readability) calls re:test three to four times per element, each a call
   back into Python. `select` walks the elements and runs the same regexes on id, class and
   style directly, once per distinct value.

All five replace trafilatura internals, verified on `internals.VERIFIED_TRAFILATURA` (README,
"Speed", has the measured gains). So each is enabled only when its check passes (run once, at
the first extraction: `install_fast_paths`)
(`internals.verified`): the names it replaces exist and are what trafilatura's own code calls,
the signatures match, the XPath expressions a walk reimplements are, word for word, the ones it
was verified against, and on built-in samples it returns what trafilatura's code returns (for
3: `_prefer_readability` keeps a sound text against readability's up to twice as long, and
readability's text stays within the bound). Otherwise that step keeps trafilatura's code, with
one warning naming it: another trafilatura version can make extraction slower, never different
or broken. `enabled()` names the steps in use.

Example::

    with fast_paths():
        document = bare_extraction(tree, ...)
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from lxml.etree import XPath, tostring
from lxml.html import HtmlElement, document_fromstring

from article_extractor.pipeline.literal_prefilter import LazyPattern
from article_extractor.pipeline.upstream.checked_internals import (
    NotAsVerifiedError,
    internal,
    require,
    signature_is,
    verified,
)

OUTERMOST_PRUNING = "outermost pruning"
BASIC_CLEANING = "basic_cleaning selection"
READABILITY_SKIP = "readability skip"
RAW_TREE_WALKS = "raw-tree pruning walks"
DISCARD_WALKS = "discard pruning walks"
STEPS = (OUTERMOST_PRUNING, BASIC_CLEANING, READABILITY_SKIP, RAW_TREE_WALKS, DISCARD_WALKS)

_ACTIVE: ContextVar[bool] = ContextVar("trafilatura_fast_paths", default=False)

Selector = Callable[[HtmlElement], list[HtmlElement]]


@contextmanager
def fast_paths() -> Iterator[None]:
    """Run trafilatura with the enabled speed-ups inside this block (this thread or task only).

    Example::

        with fast_paths():
            document = bare_extraction(tree, include_comments=False)
    """
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _body(page: str) -> HtmlElement:
    """The <body> of a sample page."""
    body = document_fromstring(page).find("body")
    if not isinstance(body, HtmlElement):
        raise NotAsVerifiedError("a sample page has no body")
    return body


def _expression_text(expression: Any) -> str:
    """An XPath's expression with its whitespace runs collapsed (how it is compared)."""
    return " ".join(str(expression.path).split())


# --------------------------------------------------------------------------- 1. pruning
def _outermost(matches: dict[HtmlElement, None]) -> list[HtmlElement]:
    """The matches without a matched ancestor, in the order of `matches`."""
    inside: set[HtmlElement] = set()  # elements known to have a matched ancestor-or-self
    outside: set[HtmlElement] = set()  # elements known to have none
    outer = []
    for element in matches:
        walked = []
        nested = False
        for ancestor in element.iterancestors():
            if ancestor in matches or ancestor in inside:
                nested = True
                break
            if ancestor in outside:
                break
            walked.append(ancestor)
        # every walked ancestor shares the verdict of the point where the walk stopped
        (inside if nested else outside).update(walked)
        if not nested:
            outer.append(element)
    return outer


@dataclass(frozen=True)
class _StockPruning:
    """trafilatura's `prune_unwanted_nodes` and the `delete_element` it prunes with."""

    prune: Callable[..., HtmlElement]
    delete_element: Callable[..., Any]


def _prune_outermost(
    tree: HtmlElement, nodelist: list[Any], delete_element: Callable[..., Any]
) -> HtmlElement:
    """`prune_unwanted_nodes(tree, nodelist, with_backup=True)`, with `_outermost`."""
    matches = dict.fromkeys(
        element for expression in nodelist for element in select(expression, tree)
    )
    outer = _outermost(matches)
    old_len = len(tree.text_content())
    # trafilatura's guard: prune nothing if it would remove too much text
    if old_len - sum(len(element.text_content()) for element in outer) > old_len / 7:
        for element in outer:
            delete_element(element)
    return tree


def _prune_each(
    tree: HtmlElement, nodelist: list[Any], delete_element: Callable[..., Any]
) -> HtmlElement:
    """`prune_unwanted_nodes(tree, nodelist)`, with the walks of `select`."""
    for expression in nodelist:
        for element in select(expression, tree):
            delete_element(element)  # the tail text is preserved
    return tree


def _pruning_replacement(
    stock: _StockPruning, outermost: bool, walks: bool
) -> Callable[..., HtmlElement]:
    """trafilatura's `prune_unwanted_nodes` with the outermost matches found faster (1) and
    expressions with a walk run as that walk (4), each if enabled. It wraps the stock function
    (`__wrapped__`, as the two other replacements do), which is how a check knows it."""

    @functools.wraps(stock.prune)
    def prune_unwanted_nodes(
        tree: HtmlElement, nodelist: list[Any], with_backup: bool = False
    ) -> HtmlElement:
        if _ACTIVE.get():
            if with_backup and outermost:
                return _prune_outermost(tree, nodelist, stock.delete_element)
            if not with_backup and walks:
                return _prune_each(tree, nodelist, stock.delete_element)
        return stock.prune(tree, nodelist, with_backup)

    return prune_unwanted_nodes


_PRUNING_CALLERS = ("trafilatura.main_extractor", "trafilatura.core")


def _stock_pruning() -> _StockPruning:
    """trafilatura's pruning function, if it is the one its extraction calls."""
    prune = signature_is(
        internal("trafilatura.htmlprocessing", "prune_unwanted_nodes"),
        "(tree, nodelist, with_backup=False)",
    )
    for module in _PRUNING_CALLERS:
        called = internal(module, "prune_unwanted_nodes")
        require(
            called is prune or _replaces(called, prune),
            f"{module} calls another prune_unwanted_nodes than trafilatura.htmlprocessing's",
        )
    delete_element = signature_is(
        internal("trafilatura.xml", "delete_element"), "(element, keep_tail=True)"
    )
    return _StockPruning(prune, delete_element)


def _replaces(candidate: Any, original: Callable[..., Any]) -> bool:
    """Whether `candidate` is this module's replacement of `original` (installed already)."""
    return getattr(candidate, "__wrapped__", None) is original


# Matches nested two and three deep, a match inside a non-matching element, and enough other
# text for trafilatura's guard to let the pruning through; in the second page the guard blocks it.
_NESTED_SAMPLE = """<html><body><div class="main">
<div class="share"><div class="social"><p>nested match</p></div></div>
<div id="sidebar"><span class="widget">deeper</span><div><div class="menu">x</div></div></div>
<p>The article text goes here and is long enough to survive the guard against pruning too much
of the page at once, with several sentences of prose that carry the story forward.</p>
<p class="comments-title">3 comments</p><p aria-hidden="true">hidden</p>
</div></body></html>"""
_GUARDED_SAMPLE = """<html><body><div class="main"><div class="share">Nearly all the text of
the page is in a match</div><p>Little</p></div></body></html>"""
_NESTED_SAMPLE_EXPRESSIONS = [
    XPath(".//*[contains(@class, 'share') or contains(@class, 'social')]"),
    XPath(".//*[@id='sidebar' or contains(@class, 'widget') or contains(@class, 'menu')]"),
    XPath(".//p[contains(@class, 'comments') or @aria-hidden='true']"),
]


def _check_outermost() -> _StockPruning:
    stock = _stock_pruning()
    for sample in (_NESTED_SAMPLE, _GUARDED_SAMPLE):
        ours, theirs = document_fromstring(sample), document_fromstring(sample)
        _prune_outermost(ours, _NESTED_SAMPLE_EXPRESSIONS, stock.delete_element)
        stock.prune(theirs, _NESTED_SAMPLE_EXPRESSIONS, True)
        require(
            tostring(ours) == tostring(theirs),
            "pruning the outermost matches leaves another tree than trafilatura's",
        )
    return stock


# --------------------------------------------------------------------------- 2. basic cleaning
# The union's branches: these tags outright, <div> whose first of class/id mentions "footer",
# and any element whose class or id matches the cookie-banner expression, case-insensitively.
_ALWAYS = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})
_COOKIE_CONSENT_RE = (  # trafilatura's settings._COOKIE_CONSENT_RE, as in the expression below
    "cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie"
    "|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr"
)
_COOKIE_CONSENT = LazyPattern(_COOKIE_CONSENT_RE, re.IGNORECASE)
# What `_basic_clean_targets` selects: trafilatura's BASIC_CLEAN_XPATH, whitespace collapsed.
BASIC_CLEAN_EXPRESSION = (
    ".//aside|.//div[contains(@class|@id, 'footer')]|.//fencedframe|.//footer|.//script"
    "|.//style|.//svg|.//template"
    f"|.//*[re:test(@class, '{_COOKIE_CONSENT_RE}', 'i') or re:test(@id, '{_COOKIE_CONSENT_RE}',"
    " 'i')]"
)


def _basic_clean_targets(tree: HtmlElement) -> list[HtmlElement]:
    """What trafilatura's `BASIC_CLEAN_XPATH(tree)` returns."""
    targets = []
    for element in tree.iterdescendants():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag in _ALWAYS:
            targets.append(element)
            continue
        attributes = element.attrib
        classes, identifier = attributes.get("class"), attributes.get("id")
        if classes is None and identifier is None:
            continue
        # XPath's string(@class|@id) is the value of whichever attribute comes first
        first = next(value for name, value in attributes.items() if name in ("class", "id"))
        if (
            (tag == "div" and "footer" in first)
            or (classes is not None and _COOKIE_CONSENT.search(classes))
            or (identifier is not None and _COOKIE_CONSENT.search(identifier))
        ):
            targets.append(element)
    return targets


def _basic_clean_replacement(stock: Callable[[HtmlElement], list[Any]]) -> Callable[..., Any]:
    """What `BASIC_CLEAN_XPATH(tree)` returns, by the walk inside `fast_paths()`."""

    @functools.wraps(stock)
    def basic_clean_targets(tree: HtmlElement) -> list[Any]:
        return _basic_clean_targets(tree) if _ACTIVE.get() else stock(tree)

    return basic_clean_targets


# Each branch of the union, cookie banners by class and id in either case, the first of class
# and id deciding for footers, nesting, and non-matches.
_BASIC_CLEAN_SAMPLE = """<html><head><style>p{}</style><script>x()</script></head><body>
<aside>a</aside><footer>f</footer><template><p>t</p></template><svg><path/></svg>
<div class="site-footer">1</div><div id="footer-links" class="x">2</div>
<div class="x" id="footer">3: class comes first, no footer in it</div>
<div id="footer" class="x">4: id comes first</div><span class="footer">5: not a div</span>
<div class="Cookie-Banner">6</div><p id="ONETRUST-x">7</p><section class="cookiebar">8</section>
<div class="cookie_notice"><div class="cookie-consent">9 nested</div></div>
<div class="cookies">10: no match</div><div data-x="footer">11</div><p>12</p>
<fencedframe>13</fencedframe></body></html>"""


def _check_basic_cleaning() -> Callable[[HtmlElement], list[Any]]:
    stock = internal("trafilatura.baseline", "BASIC_CLEAN_XPATH")
    stock = getattr(stock, "__wrapped__", stock)  # installed already
    require(
        _expression_text(stock) == BASIC_CLEAN_EXPRESSION,
        "trafilatura.baseline.BASIC_CLEAN_XPATH is not the expression the walk replaces",
    )
    sample = document_fromstring(_BASIC_CLEAN_SAMPLE)
    for tree in (sample, _body(_BASIC_CLEAN_SAMPLE)):
        require(
            _basic_clean_targets(tree) == stock(tree),
            "the walk selects other elements than BASIC_CLEAN_XPATH on the sample page",
        )
    checked: Callable[[HtmlElement], list[Any]] = stock
    return checked


# --------------------------------------------------------------------------- 3. readability
_VIDEO_TEXT = 6  # readability writes "VIDEO" into a video iframe: 5 letters and a space


def _readability_cannot_win(
    raw_tree: HtmlElement, body: Any, text: str, options: Any, trim: Callable[[str], str]
) -> bool:
    """Whether `_prefer_readability` keeps the own extraction whatever readability finds."""
    return bool(
        getattr(options, "focus", None) == "balanced"
        and text
        and body.xpath(".//p//text()")
        and len(body.findall(".//table")) <= len(body.findall(".//p"))
        and _readability_bound(raw_tree, trim) <= 2 * len(text)
    )


def _readability_bound(page: HtmlElement, trim: Callable[[str], str]) -> int:
    """An upper bound of the length of readability's text for `page`. Removing a run of text
    from a string shortens its collapsed form by at least the run's own collapsed length."""
    bound = len(trim(tostring(page, method="text", encoding="unicode")))
    bound -= sum(len(trim(element.text or "")) for element in page.iter("script", "style"))
    return bound + _VIDEO_TEXT * sum(1 for _ in page.iter("iframe"))


def _compare_replacement(
    stock: Callable[..., tuple[Any, str]], trim: Callable[[str], str]
) -> Callable[..., tuple[Any, str]]:
    """trafilatura's `compare_extraction`, without readability when it cannot win."""

    @functools.wraps(stock)
    def compare_extraction(
        cleaned_tree: HtmlElement, raw_tree: HtmlElement, body: Any, text: str, options: Any
    ) -> tuple[Any, str]:
        if _ACTIVE.get() and _readability_cannot_win(raw_tree, body, text, options, trim):
            raw_tree = document_fromstring("<html><body></body></html>")
        return stock(cleaned_tree, raw_tree, body, text, options)

    return compare_extraction


# A page with what readability drops (script, style) and what it adds ("VIDEO" in iframes).
_READABILITY_SAMPLE = (
    "<html><head><script>var long_script = 1;     </script><style>p { }</style></head><body>"
    + "<p>Prose, with a comma and enough words to be a paragraph of its own here.</p>" * 5
    + '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    + '<iframe src="https://vimeo.com/1">old text</iframe></body></html>'
)


@dataclass(frozen=True)
class _StockComparison:
    compare: Callable[..., tuple[Any, str]]
    trim: Callable[[str], str]


def _check_readability_skip() -> _StockComparison:
    compare = signature_is(
        internal("trafilatura.external", "compare_extraction"),
        "(cleaned_tree, raw_tree, body, text, options)",
    )
    called = internal("trafilatura.core", "compare_extraction")
    require(
        called is compare or _replaces(called, compare),
        "trafilatura.core calls another compare_extraction than trafilatura.external's",
    )
    prefer = signature_is(
        internal("trafilatura.external", "_prefer_readability"),
        "(body, algo_body, algo_text, len_text, len_algo, options)",
    )
    trim = signature_is(internal("trafilatura.utils", "trim"), "(string)")
    # The rule the skip relies on: a sound own text is kept against readability's text up to
    # twice its length, and against an empty one (readability on the empty page).
    body = _body("<html><body><p>Own text.</p><table></table></body></html>")
    headed = _body("<html><body><h2>Heading</h2></body></html>")
    for min_extracted_size in (0, 250):
        options = SimpleNamespace(focus="balanced", min_extracted_size=min_extracted_size)
        for own in (1, 7, 250, 4000):
            for algo in (0, 1, own // 2, own - 1, own, own + 1, 2 * own):
                require(
                    not prefer(body, headed, "x" * algo, own, algo, options)
                    and not prefer(body, headed, "{" * algo, own, algo, options),
                    f"_prefer_readability prefers {algo} characters to {own} sound ones",
                )
    page = document_fromstring(_READABILITY_SAMPLE)
    bound = _readability_bound(page, trim)  # before readability, which edits the page
    found = internal("trafilatura.external", "try_readability")(page)
    require(
        len(trim(tostring(found, method="text", encoding="unicode"))) <= bound,
        "readability finds more text on the sample page than its bound",
    )
    return _StockComparison(compare, trim)


# --------------------------------------------------------------------------- 4. raw-tree pruning
# The regexes of trafilatura's xpaths._COMMENTS_ID and _COMMENTS_CLASS, as in the expressions
# below; `re.search` on the attribute value ("" when absent) is what EXSLT's re:test does.
_COMMENTS_ID = "[Cc]omment(?!ary)|comol"
_COMMENTS_CLASS = "^[Cc]omment(?!ary)|(?:article|post)-comments"
_COMMENT_ID = LazyPattern(f"^(?:{_COMMENTS_ID}|disqus_thread|dsq-comments)")
_COMMENT_LIST_ID = LazyPattern(f"^(?:{_COMMENTS_ID})")
_COMMENT_CLASS = LazyPattern(_COMMENTS_CLASS)
_APPENDED_POSTS = LazyPattern("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_APPENDED_POST_BOX = LazyPattern("mvp-post-add-(?:box|wrap)")
_SECTIONS = ("div", "section", "aside")


def _by_id_or_class(
    tree: HtmlElement,
    tags: tuple[str, ...],
    first: tuple[LazyPattern, LazyPattern],
    then: tuple[LazyPattern, LazyPattern],
    exempt: Callable[[HtmlElement], bool],
) -> list[HtmlElement]:
    """`.//*[tags][re:test(@id, first_id) or re:test(@class, first_class)]
    [exempt(.) or re:test(@id, then_id) or re:test(@class, then_class)]`, in document order."""
    (first_id, first_class), (then_id, then_class) = first, then
    found = []
    for element in tree.iterdescendants(*tags):
        identifier, classes = element.get("id") or "", element.get("class") or ""
        if (first_id.search(identifier) or first_class.search(classes)) and (
            exempt(element) or then_id.search(identifier) or then_class.search(classes)
        ):
            found.append(element)
    return found


def _appended_posts(tree: HtmlElement) -> list[HtmlElement]:
    """RAW_TREE_PRUNE_XPATH[0]: infinite-scroll containers, unless they hold the page's <h1>
    (the theme's own boxes go even then)."""
    return _by_id_or_class(
        tree,
        _SECTIONS,
        (_APPENDED_POSTS, _APPENDED_POSTS),
        (_APPENDED_POST_BOX, _APPENDED_POST_BOX),
        lambda element: next(element.iterdescendants("h1"), None) is None,
    )


def _share_buttons(tree: HtmlElement) -> list[HtmlElement]:
    """RAW_TREE_PRUNE_XPATH[1]."""
    return [
        element
        for element in tree.iterdescendants(*_SECTIONS)
        if "elementor-share-buttons" in (element.get("class") or "")
    ]


def _comment_sections(tree: HtmlElement, lists: bool = False) -> list[HtmlElement]:
    """REMOVE_COMMENTS_XPATH[0], or with `lists` REMOVE_COMMENTS_AND_LISTS_XPATH[0] (a list
    only by a comment id or class, not by a disqus id)."""
    return _by_id_or_class(
        tree,
        ("div", "list", "section", "details", *(("ol", "ul") if lists else ())),
        (_COMMENT_ID, _COMMENT_CLASS),
        (_COMMENT_LIST_ID, _COMMENT_CLASS),
        lambda element: element.tag not in ("ol", "ul"),
    )


def _comment_sections_and_lists(tree: HtmlElement) -> list[HtmlElement]:
    return _comment_sections(tree, lists=True)


_SECTION_TAGS = "self::div or self::section or self::aside"
_COMMENT_TAGS = "self::div or self::list or self::section or self::details"
_COMMENT_TESTS = (
    f"re:test(@id, '^(?:{_COMMENTS_ID}|disqus_thread|dsq-comments)') or "
    f"re:test(@class, '{_COMMENTS_CLASS}')"
)
# (list in trafilatura.xpaths, index, its walk, the expression the walk was verified against,
# whitespace collapsed)
WALKS: tuple[tuple[str, int, Selector, str], ...] = (
    (
        "RAW_TREE_PRUNE_XPATH",
        0,
        _appended_posts,
        f".//*[{_SECTION_TAGS}][ re:test(@id, 'mvp-post-add-(?:box|wrap)|infinite-?scroll') or "
        "re:test(@class, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')][ not(.//h1) or "
        "re:test(@id, 'mvp-post-add-(?:box|wrap)') or "
        "re:test(@class, 'mvp-post-add-(?:box|wrap)')]",
    ),
    (
        "RAW_TREE_PRUNE_XPATH",
        1,
        _share_buttons,
        f".//*[{_SECTION_TAGS}][contains(@class, 'elementor-share-buttons')]",
    ),
    ("REMOVE_COMMENTS_XPATH", 0, _comment_sections, f".//*[{_COMMENT_TAGS}][ {_COMMENT_TESTS}]"),
    (
        "REMOVE_COMMENTS_AND_LISTS_XPATH",
        0,
        _comment_sections_and_lists,
        f".//*[{_COMMENT_TAGS} or self::ol or self::ul][ {_COMMENT_TESTS}][ not(self::ol or "
        f"self::ul) or re:test(@id, '^(?:{_COMMENTS_ID})') or "
        f"re:test(@class, '{_COMMENTS_CLASS}')]",
    ),
)

# Every branch of the four expressions, with near misses (case, prefixes, tags outside them).
RAW_TREE_SAMPLE = """<html><body><div id="main"><h1>Title</h1>
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


@dataclass(frozen=True)
class _CheckedWalks:
    stock: _StockPruning
    selectors: Mapping[int, Selector]  # by the id of the XPath object each walk replaces


def _check_raw_tree_walks() -> _CheckedWalks:
    return _check_walks(WALKS, RAW_TREE_SAMPLE)


def _check_walks(
    walks: tuple[tuple[str, int, Selector, str], ...], sample_page: str
) -> _CheckedWalks:
    """Each walk's expression is the verified one and selects what the walk does on the page."""
    stock = _stock_pruning()
    sample = document_fromstring(sample_page)
    selectors: dict[int, Selector] = {}
    for name, index, walk, expression_text in walks:
        expression = internal("trafilatura.xpaths", name)[index]
        require(
            _expression_text(expression) == expression_text,
            f"trafilatura.xpaths.{name}[{index}] is not the expression {walk.__name__} replaces",
        )
        require(
            walk(sample) == expression(sample),
            f"{walk.__name__} selects other elements than {name}[{index}] on the sample page",
        )
        selectors[id(expression)] = walk
    return _CheckedWalks(stock, selectors)


# --------------------------------------------------------------------------- 5. discard pruning
# The regexes of trafilatura's OVERALL_DISCARD_XPATH, as in the expressions below (case-sensitive:
# no flags); `re.search` on the attribute value is what EXSLT's re:test does.
_DISCARD_ID_RE = (
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:jp-|dpsp-content)|bmdh|footer|Footer|share|Share|nav|Nav|menu|related"
    "|message-container|premium|^ad-"
)
_DISCARD_CLASS_RE = (
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-"
    "|dfp[Aa]d|outbrain|taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-"
    "|sociable|embedded|embed|tag-list|consent|modal-content|permission|elated|next-|-stories"
    "|most-popular|more-on|meta|rating|attachment|timestamp|user-info|user-profile|-icon"
    "|article-infos|message-container|slide|viewport|overlay|options|expand|obfuscated|blurred"
    "|mol-factbox|yin|zlylin|nfoline"
)
_HIDDEN_ID_RE = "reader-comments|akismet"
_HIDDEN_CLASS_RE = (
    "^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
    "| hidden| hide|noprint|notloaded"
)
_DISCARD_ID = LazyPattern(_DISCARD_ID_RE)
_DISCARD_CLASS = LazyPattern(_DISCARD_CLASS_RE)
_HIDDEN_ID = LazyPattern(_HIDDEN_ID_RE)
_HIDDEN_CLASS = LazyPattern(_HIDDEN_CLASS_RE)
_DISCARD_TAGS = ("div", "item", "list", "p", "section", "span")


def _first_of(attributes: Any, first: str, second: str) -> str:
    """XPath's string(@first|@second): the value of whichever comes first on the element, ""
    when it has neither (`attributes`: the element's `attrib`)."""
    for name, value in attributes.items():
        if name in (first, second):
            return str(value)
    return ""


def _searched(pattern: LazyPattern, value: str, seen: dict[str, bool]) -> bool:
    """`pattern.search(value)`, once per distinct value (class and id strings repeat)."""
    found = seen.get(value)
    if found is None:
        found = seen[value] = pattern.search(value) is not None
    return found


def _discarded_sections(tree: HtmlElement) -> list[HtmlElement]:
    """OVERALL_DISCARD_XPATH[0]: navigation, sharing, cookie, related-content and ad sections."""
    found = []
    ids: dict[str, bool] = {}
    classes: dict[str, bool] = {}
    for element in tree.iterdescendants(*_DISCARD_TAGS):
        attributes = element.attrib
        if not attributes:
            continue
        identifier, names = attributes.get("id"), attributes.get("class")
        role, component = attributes.get("role"), attributes.get("data-component")
        if (
            attributes.get("data-lp-replacement-content") is not None
            or (role is not None and "nav" in role.replace("N", "n"))
            or (component is not None and "MostPopularStories" in component)
            or (
                (identifier is not None or names is not None)
                and "cookie" in _first_of(attributes, "id", "class")
            )
            or (identifier is not None and _searched(_DISCARD_ID, identifier, ids))
            or (names is not None and _searched(_DISCARD_CLASS, names, classes))
        ):
            found.append(element)
    return found


def _hidden_elements(tree: HtmlElement) -> list[HtmlElement]:
    """OVERALL_DISCARD_XPATH[1]: hidden elements, comment titles and replies."""
    found = []
    classes: dict[str, bool] = {}
    for element in tree.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        attributes = element.attrib
        if not attributes:
            continue
        identifier, names = attributes.get("id"), attributes.get("class")
        style = attributes.get("style")
        if (
            names == "comments-title"
            or (
                (identifier is not None or names is not None)
                and _first_of(attributes, "id", "class").startswith("reply-")
            )
            or (
                (identifier is not None or style is not None)
                and "hidden" in _first_of(attributes, "id", "style")
            )
            or (style is not None and ("display:none" in style or "display: none" in style))
            or (identifier is not None and _HIDDEN_ID.search(identifier) is not None)
            or (names is not None and _searched(_HIDDEN_CLASS, names, classes))
            or attributes.get("aria-hidden") == "true"
        ):
            found.append(element)
    return found


DISCARD_WALK_TABLE: tuple[tuple[str, int, Selector, str], ...] = (
    (
        "OVERALL_DISCARD_XPATH",
        0,
        _discarded_sections,
        ".//*[self::div or self::item or self::list or self::p or self::section or self::span][ "
        "@data-lp-replacement-content or contains(translate(@role, 'N', 'n'), 'nav') or "
        "contains(@data-component, 'MostPopularStories') or re:test(@id|@class, 'cookie') or "
        f"re:test(@id, '{_DISCARD_ID_RE}') or re:test(@class, '{_DISCARD_CLASS_RE}')]",
    ),
    (
        "OVERALL_DISCARD_XPATH",
        1,
        _hidden_elements,
        ".//*[@class='comments-title' or starts-with(@id|@class, 'reply-') or "
        "re:test(@id|@style, 'hidden') or contains(@style, 'display:none') or "
        "contains(@style, 'display: none') or re:test(@id, 'reader-comments|akismet') or "
        f"re:test(@class, '{_HIDDEN_CLASS_RE}') or @aria-hidden='true']",
    ),
)

# Every branch of both expressions, with near misses (case, position, tags outside the first),
# and id, class and style in either order where the first of two decides.
DISCARD_SAMPLE = """<html><body><div id="main"><h1>Title</h1><p>Story text.</p>
<div data-lp-replacement-content="">1</div><section role="Navigation">2</section>
<span role="navigation">3</span><p role="main">4: not nav</p><a role="nav">5: not a tag of it</a>
<div data-component="MostPopularStories-x">6</div><div data-component="mostpopularstories">7</div>
<div id="cookie-box" class="x">8</div><div class="x" id="cookie-box">9: class comes first</div>
<div class="cookie">10</div><item id="share-1">11</item><list id="myshare">12: ^shar fails</list>
<p id="Sidebar">13: case</p><p id="ad-top">14</p><p id="load-ad">15</p><p id="mainNav">16</p>
<div class="shariff">17</div><div class="x ad y">18</div><div class="xad-">19</div>
<div class="top ad-slot">20</div><div class="dfpAd">21</div><div class="meta-x">22</div>
<div class="Meta">23: case</div><div class="nav-x">24</div><div class="x nav">25: ^nav fails</div>
<section class="related">26</section><span class="yinz">27</span><div class="navbox">28</div>
<div><div class="widget"><p class="byline">29 nested</p></div></div>
<p class="comments-title">30</p><b class="comments-title x">31</b><i id="reply-1">32</i>
<i class="reply-x" id="y">33</i><i id="y" class="reply-x">34: id comes first</i>
<em id="is-hidden">35</em><em style="x" id="hidden">36: style comes first</em>
<em id="x" style="visibility:hidden">37: id comes first</em><u style="display:none">38</u>
<u style="display: none">39</u><u style="display:  none">40</u><u id="reader-comments">41</u>
<u id="akismet_x">42</u><u class="hide-me">43</u><u class="x hidden">44</u><u class="hidden">45</u>
<u class="message-box">46</u><u aria-hidden="true">47</u><u aria-hidden="false">48</u>
<u class="" id="" style="">49</u><u>50</u></div></body></html>"""


def _check_discard_walks() -> _CheckedWalks:
    return _check_walks(DISCARD_WALK_TABLE, DISCARD_SAMPLE)


def select(expression: Any, tree: HtmlElement) -> list[Any]:
    """`expression(tree)`, by a walk when there is a checked one for this expression.

    Example::

        select(trafilatura.xpaths.REMOVE_COMMENTS_XPATH[0], tree)  # the comment sections
    """
    selector = _selectors().get(id(expression))
    return expression(tree) if selector is None else selector(tree)


# --------------------------------------------------------------------------- checks, at first use
@functools.cache
def _checked_walks() -> tuple[_CheckedWalks | None, _CheckedWalks | None]:
    """The raw-tree and the discard walks, checked first: `select` serves the outermost step's
    check as it serves the extraction."""
    return (
        verified(RAW_TREE_WALKS, _check_raw_tree_walks),
        verified(DISCARD_WALKS, _check_discard_walks),
    )


@functools.cache
def _selectors() -> Mapping[int, Selector]:
    """The checked walks, by the id of the XPath object each replaces."""
    walks, discard = _checked_walks()
    return {**(walks.selectors if walks else {}), **(discard.selectors if discard else {})}


@dataclass(frozen=True)
class Checked:
    """What each step's check found (None: the step is left to trafilatura)."""

    walks: _CheckedWalks | None
    discard: _CheckedWalks | None
    outermost: _StockPruning | None
    basic_clean: Callable[[HtmlElement], list[Any]] | None
    readability: _StockComparison | None

    @property
    def enabled(self) -> frozenset[str]:
        found = (self.outermost, self.basic_clean, self.readability, self.walks, self.discard)
        return frozenset(step for step, check in zip(STEPS, found, strict=True) if check)


@functools.cache
def checked() -> Checked:
    """Every step's check, run once, when trafilatura first extracts for the product (the
    process that never extracts, the handler's import, pays nothing)."""
    walks, discard = _checked_walks()
    return Checked(
        walks=walks,
        discard=discard,
        outermost=verified(OUTERMOST_PRUNING, _check_outermost),
        basic_clean=verified(BASIC_CLEANING, _check_basic_cleaning),
        readability=verified(READABILITY_SKIP, _check_readability_skip),
    )


def enabled() -> frozenset[str]:
    """The steps in use."""
    return checked().enabled


def _replacements(steps: Checked) -> list[tuple[str, str, Any]]:
    """(module, name, replacement) for every step that passed its checks."""
    replacements: list[tuple[str, str, Any]] = []
    walks = steps.walks or steps.discard
    pruning = steps.outermost or (walks.stock if walks else None)
    if pruning is not None:
        prune = _pruning_replacement(pruning, steps.outermost is not None, walks is not None)
        replacements += [(module, "prune_unwanted_nodes", prune) for module in _PRUNING_CALLERS]
    if steps.basic_clean is not None:
        basic_clean = _basic_clean_replacement(steps.basic_clean)
        replacements.append(("trafilatura.baseline", "BASIC_CLEAN_XPATH", basic_clean))
    if steps.readability is not None:
        compare = _compare_replacement(steps.readability.compare, steps.readability.trim)
        replacements.append(("trafilatura.core", "compare_extraction", compare))
    return replacements


@functools.cache
def _replacements_in_use() -> tuple[tuple[str, str, Any], ...]:
    return tuple(_replacements(checked()))


def install_fast_paths() -> None:
    """Check the steps (once) and route trafilatura's calls of the enabled ones through their
    replacements (idempotent); the other steps keep trafilatura's code.

    Example::

        install_fast_paths()
        with fast_paths():
            bare_extraction(tree)
    """
    for module, name, replacement in _replacements_in_use():
        setattr(importlib.import_module(module), name, replacement)
