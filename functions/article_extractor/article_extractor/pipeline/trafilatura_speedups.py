"""Faster, result-identical versions of four trafilatura 2.3.1 steps, used only inside
`fast_paths()` (the product's own extraction): any other trafilatura call in the process, such
as bench/speed.py's stock baseline, runs trafilatura's code unchanged.

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

Measured on the 1,032 evaluation pages (bench/speed.py, same run): median time per document
0.7 ms lower for (1), 0.8 ms for (2), 0.4 ms for (3), 2.9 ms for (4); every call of (1), (2)
and (4) returned what trafilatura's code returns, and every output document is identical. All
four depend on trafilatura's internals: the version is pinned, and
`tests/unit/test_trafilatura_fast_paths.py` fails on any other version.

Example::

    with fast_paths():
        document = bare_extraction(tree, ...)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import trafilatura.core
import trafilatura.external
import trafilatura.htmlprocessing
import trafilatura.main_extractor
from lxml.etree import tostring
from lxml.html import HtmlElement, document_fromstring
from trafilatura.settings import _COOKIE_CONSENT_RE
from trafilatura.utils import trim
from trafilatura.xml import delete_element
from trafilatura.xpaths import (
    _COMMENTS_CLASS,
    _COMMENTS_ID,
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

VERIFIED_VERSION = "2.3.1"

_ACTIVE: ContextVar[bool] = ContextVar("trafilatura_fast_paths", default=False)
# `trafilatura.baseline` the attribute is the function baseline(), the module is in sys.modules.
_BASELINE = sys.modules["trafilatura.baseline"]


@contextmanager
def fast_paths() -> Iterator[None]:
    """Run trafilatura with the fast paths inside this block (this thread or task only)."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


# --------------------------------------------------------------------------- 1. pruning
_original_prune: Callable[..., HtmlElement] = trafilatura.htmlprocessing.prune_unwanted_nodes


def prune_unwanted_nodes(
    tree: HtmlElement, nodelist: list[Any], with_backup: bool = False
) -> HtmlElement:
    """trafilatura's `prune_unwanted_nodes`: expressions with a walk in `_SELECTORS` run as that
    walk (4), and the outermost matches are found faster (1)."""
    if not _ACTIVE.get():
        return _original_prune(tree, nodelist, with_backup)
    if not with_backup:
        for expression in nodelist:
            for element in select(expression, tree):
                delete_element(element)  # the tail text is preserved
        return tree
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


# --------------------------------------------------------------------------- 2. basic cleaning
_original_basic_clean: Callable[[HtmlElement], list[Any]] = _BASELINE.BASIC_CLEAN_XPATH
# The union's branches: these tags outright, <div> whose first of class/id mentions "footer",
# and any element whose class or id matches the cookie-banner expression, case-insensitively.
_ALWAYS = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})
_COOKIE_CONSENT = re.compile(_COOKIE_CONSENT_RE, re.IGNORECASE)


def basic_clean_targets(tree: HtmlElement) -> list[Any]:
    """What `BASIC_CLEAN_XPATH(tree)` returns."""
    if not _ACTIVE.get():
        return _original_basic_clean(tree)
    return _basic_clean_targets(tree)


def _basic_clean_targets(tree: HtmlElement) -> list[HtmlElement]:
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


# --------------------------------------------------------------------------- 3. readability
_original_compare: Callable[..., tuple[Any, str]] = trafilatura.external.compare_extraction
_VIDEO_TEXT = 6  # readability writes "VIDEO" into a video iframe: 5 letters and a space


def compare_extraction(
    cleaned_tree: HtmlElement, raw_tree: HtmlElement, body: Any, text: str, options: Any
) -> tuple[Any, str]:
    """trafilatura's `compare_extraction`, without readability when it cannot win."""
    if (
        _ACTIVE.get()
        and options.focus == "balanced"
        and text
        and body.xpath(".//p//text()")
        and len(body.findall(".//table")) <= len(body.findall(".//p"))
        and _readability_bound(raw_tree) <= 2 * len(text)
    ):
        raw_tree = document_fromstring("<html><body></body></html>")
    return _original_compare(cleaned_tree, raw_tree, body, text, options)


def _readability_bound(page: HtmlElement) -> int:
    """An upper bound of the length of readability's text for `page`. Removing a run of text
    from a string shortens its collapsed form by at least the run's own collapsed length."""
    bound = len(trim(tostring(page, method="text", encoding="unicode")))
    bound -= sum(len(trim(element.text or "")) for element in page.iter("script", "style"))
    return bound + _VIDEO_TEXT * sum(1 for _ in page.iter("iframe"))


# --------------------------------------------------------------------------- 4. raw-tree pruning
# The expressions of RAW_TREE_PRUNE_XPATH and REMOVE_COMMENTS(_AND_LISTS)_XPATH, as walks over
# the tags they name; `re.search` on the attribute value ("" when absent) is what EXSLT's
# re:test does.
_COMMENT_ID = re.compile(f"^(?:{_COMMENTS_ID}|disqus_thread|dsq-comments)")
_COMMENT_LIST_ID = re.compile(f"^(?:{_COMMENTS_ID})")
_COMMENT_CLASS = re.compile(_COMMENTS_CLASS)
_APPENDED_POSTS = re.compile("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_APPENDED_POST_BOX = re.compile("mvp-post-add-(?:box|wrap)")
_SECTIONS = ("div", "section", "aside")


def _by_id_or_class(
    tree: HtmlElement,
    tags: tuple[str, ...],
    first: tuple[re.Pattern[str], re.Pattern[str]],
    then: tuple[re.Pattern[str], re.Pattern[str]],
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


_SELECTORS: dict[int, Callable[[HtmlElement], list[HtmlElement]]] = {
    id(RAW_TREE_PRUNE_XPATH[0]): _appended_posts,
    id(RAW_TREE_PRUNE_XPATH[1]): _share_buttons,
    id(REMOVE_COMMENTS_XPATH[0]): _comment_sections,
    id(REMOVE_COMMENTS_AND_LISTS_XPATH[0]): _comment_sections_and_lists,
}


def select(expression: Any, tree: HtmlElement) -> list[Any]:
    """`expression(tree)`, by a walk when there is one for this expression."""
    selector = _SELECTORS.get(id(expression))
    return expression(tree) if selector is None else selector(tree)


def install_fast_paths() -> None:
    """Route trafilatura's calls through the dispatchers above (idempotent)."""
    replacements = (
        (trafilatura.main_extractor, "prune_unwanted_nodes", prune_unwanted_nodes),
        (trafilatura.core, "prune_unwanted_nodes", prune_unwanted_nodes),
        (_BASELINE, "BASIC_CLEAN_XPATH", basic_clean_targets),
        (trafilatura.core, "compare_extraction", compare_extraction),
    )
    for module, name, replacement in replacements:
        setattr(module, name, replacement)
