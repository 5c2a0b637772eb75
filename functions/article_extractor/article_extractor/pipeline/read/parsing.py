"""HTML text -> lxml tree, parsed once per document and shared by every later step.

The tree is what `trafilatura.utils.load_html` builds (same parser options, same repairs, same
fallback to bytes, same rejection of non-HTML), with one difference that changes no result:
element proxies come from a C-level class lookup instead of `lxml.html`'s Python one.
trafilatura's XPath-heavy extraction creates thousands of element proxies per page, and the
Python lookup runs a method call for each; the C lookup returns the same classes
(`HtmlElement`, and `FormElement`/`InputElement`/... for form tags). bench/speed.py measured
bare extraction 12% faster in median time on the evaluation set, with identical output.

Two differences for pages trafilatura cannot read whole. libxml2 stops at any text node, comment
or attribute value over 10,000,000 bytes and at elements nested over 256 deep, unless told
`huge_tree` (1 GB, 2048 levels): a page where the parse hit one of these limits is parsed again
with it (every other page parses exactly as before), and the subtrees below 256 levels are
flattened to their text, so every later step sees no deeper tree than it always did. A parse
that still stops at a limit is `too_complex`, not a page with its end silently missing.

The repairs and the not-HTML test are trafilatura's (`trafilatura.utils`), and the C-level
lookup copies lxml.html's table of element classes; neither is public API. Both are resolved and
checked once, at the first parse (`internals.verified`). Without lxml's table, the parser uses
lxml.html's own lookup (slower, same classes). Without trafilatura's pieces, or if they no longer
build `load_html`'s tree on built-in samples, `parse_html` is trafilatura's public `load_html` after
`check_markup` (slower, and a page cut by a libxml2 limit is then cut as trafilatura cuts it).
One warning says which.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura import load_html

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.read.markup_limits import check_markup
from article_extractor.pipeline.upstream.checked_internals import (
    NotAsVerifiedError,
    internal,
    require,
    signature_is,
    verified,
)

CLASS_LOOKUP = "parsing with a C-level element class lookup"
TRAFILATURA_REPAIRS = "parsing with trafilatura's repairs"

# The deepest element libxml2 builds without huge_tree (the root is level 1): deeper subtrees of
# a page parsed with huge_tree are flattened to their text at this level.
MAX_DEPTH = 256
# With huge_tree, elements nest 2048 deep instead of 256, and each end tag and each <body> start
# tag searches the open elements: these are bounded so that the searches cost no more than the
# 256 levels times MAX_MARKUP_ITEMS tags a parse without huge_tree may take.
MAX_HUGE_TREE_END_TAGS = 25_000
_BODY_START_TAG = re.compile(r"<body[\t\n\x0c\r />]", re.IGNORECASE)
# Elements whose text no reader sees: dropped, not flattened into the text of a deep subtree.
_UNSEEN_ELEMENTS = ("script", "style", "template", "noscript")


def _c_class_lookup(classes: dict[str, type[HtmlElement]]) -> etree.ElementNamespaceClassLookup:
    fallback = etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=HtmlComment,
        pi=HtmlProcessingInstruction,
        entity=HtmlEntity,
    )
    lookup = etree.ElementNamespaceClassLookup(fallback)
    by_tag = lookup.get_namespace(None)
    # The HTML parser lower-cases tag names, which is what lxml.html's lookup compares.
    for tag, element_class in classes.items():
        by_tag[tag] = element_class
    return lookup


def _check_class_lookup() -> dict[str, type[HtmlElement]]:
    """lxml.html's table of element classes by tag, if the C-level lookup built from it gives
    every element the class lxml.html's own lookup gives it."""
    classes = getattr(HtmlElementClassLookup, "_default_element_classes", None)
    if not isinstance(classes, dict) or not all(
        isinstance(value, type) and issubclass(value, HtmlElement) for value in classes.values()
    ):
        raise NotAsVerifiedError("lxml.html.HtmlElementClassLookup has no table of classes")
    # Every tag of the table, in both cases, and tags outside it.
    tags = [*classes, *(str(tag).upper() for tag in classes), "div", "p", "span"]
    sample = "<html><body>" + "".join(f"<{tag}>x</{tag}>" for tag in tags) + "</body></html>"
    ours = fromstring(sample, parser=_parser(lookup=_c_class_lookup(classes)))
    theirs = fromstring(sample, parser=_parser(lookup=HtmlElementClassLookup()))
    require(
        [type(element) for element in ours.iter()] == [type(element) for element in theirs.iter()],
        "the C-level lookup gives other element classes than lxml.html's",
    )
    return classes


def _parser(
    huge_tree: bool = False, lookup: etree.ElementClassLookup | None = None
) -> etree.HTMLParser:
    # The options of trafilatura.utils.HTML_PARSER.
    parser = etree.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lack default_doctype
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=huge_tree,
    )
    if lookup is None:
        classes = _class_table()
        lookup = HtmlElementClassLookup() if classes is None else _c_class_lookup(classes)
    parser.set_element_class_lookup(lookup)
    return parser


@functools.cache
def _class_table() -> dict[str, type[HtmlElement]] | None:
    """lxml.html's table of element classes, checked once, at the first parse."""
    return verified(CLASS_LOOKUP, _check_class_lookup)


@functools.cache
def _parsers() -> tuple[etree.HTMLParser, etree.HTMLParser]:
    """The parser, and one that raises libxml2's limits on node size (to 1 GB) and on nesting
    (from 256 to 2048 levels); made at the first parse."""
    return _parser(), _parser(huge_tree=True)


@dataclass(frozen=True)
class ParsedPage:
    """A parsed page: its tree (None when the text is not HTML) and how many of its subtrees,
    nested deeper than MAX_DEPTH, were flattened to their text."""

    tree: HtmlElement | None
    flattened_subtrees: int = 0


def parse_html(text: str) -> HtmlElement | None:
    """Parse a page from `sanitize.sanitize_html`; None when the text is not HTML (as
    trafilatura's `load_html` decides). `parse_page` says also what was flattened.

    Raises ProcessingError `too_complex` for markup libxml2 would take too long to parse (see
    `markup_limits`) or could not parse to its end.

    Example::

        tree = parse_html("<html><body><p>Hello</p></body></html>")
        tree.findtext(".//p")  # "Hello"
    """
    return parse_page(text).tree


def parse_page(text: str) -> ParsedPage:
    """`parse_html`'s tree, and the number of subtrees nested deeper than MAX_DEPTH that were
    flattened to their text (0 for any page libxml2 parses within its default limits).

    Example::

        parse_page("<html><body>" + "<div>" * 300 + "deep").flattened_subtrees  # 1
    """
    repairs = _checked_repairs()
    if repairs is None:  # not as verified on this trafilatura: its public parse
        check_markup(text)
        stock: HtmlElement | None = load_html(text)
        return ParsedPage(stock)
    return _parse_html(text, repairs)


@dataclass(frozen=True)
class _Repairs:
    """The pieces of trafilatura's `load_html` that `parse_html` runs itself."""

    doctype_tag: re.Pattern[str]  # a DOCTYPE with a "/" on the first line, removed
    faulty_html: re.Pattern[str]  # a self-closing <html/>, opened
    is_dubious_html: Callable[[str], bool]  # the beginning of a page that may not be HTML


def _parse_html(text: str, repairs: _Repairs) -> ParsedPage:
    beginning = text[:50].lower()
    text = _repair_markup(text, beginning, repairs)
    check_markup(text)
    parser, huge_parser = _parsers()
    tree = _parse(text, parser)
    limit = _limit_hit(parser)
    flattened = 0
    if limit:  # too deep, or a node too long: parsed again, with huge_tree if it stays cheap
        _check_huge_tree_cost(text, limit)
        tree, limit = _parse(text, huge_parser), _limit_hit(huge_parser)
        if tree is not None and not limit:
            flattened = flatten_deep_subtrees(tree)
    if limit:
        raise ProcessingError(
            ErrorCode.TOO_COMPLEX, f"the HTML parser stopped at one of its limits ({limit})"
        )
    if tree is not None and repairs.is_dubious_html(beginning) and len(tree) < 2:
        return ParsedPage(None)
    return ParsedPage(tree, flattened)


def _check_huge_tree_cost(text: str, limit: str) -> None:
    """Raise `too_complex` when parsing `text` with huge_tree could search the open elements
    for long: more than MAX_HUGE_TREE_END_TAGS end tags and <body> start tags together."""
    searches = text.count("</")
    if searches <= MAX_HUGE_TREE_END_TAGS:
        searches += len(_BODY_START_TAG.findall(text))
    if searches > MAX_HUGE_TREE_END_TAGS:
        raise ProcessingError(
            ErrorCode.TOO_COMPLEX,
            f"the HTML parser stopped at one of its limits ({limit}) in a page with "
            f"{searches:,} end tags and <body> tags, over the {MAX_HUGE_TREE_END_TAGS:,} parsed "
            "with huge_tree",
        )


def flatten_deep_subtrees(tree: HtmlElement) -> int:
    """Replace the children of each element at level MAX_DEPTH (the root is level 1) by their
    text, as one text node (scripts and styles dropped); returns how many elements were so
    flattened. libxml2 builds no deeper tree without huge_tree, and the extraction's recursive
    steps are known to hold up to that depth.

    Example::

        tree = fromstring("<html><body>" + "<div>" * 300 + "deep</html>", parser=_parsers()[1])
        flatten_deep_subtrees(tree)  # 1; the element at level 256 now holds "deep"
    """
    root = tree.getroottree().getroot()
    flattened = 0
    for top in (root, *root.itersiblings()):
        found = _deep_elements()(top)
        for element in found if isinstance(found, list) else ():
            if not isinstance(element, HtmlElement):
                continue
            etree.strip_elements(element, *_UNSEEN_ELEMENTS, with_tail=False)
            text = " ".join(" ".join(element.itertext()).split())
            for child in list(element):
                element.remove(child)
            element.text = text or None
            flattened += 1
    return flattened


@cache
def _deep_elements() -> etree.XPath:
    """Elements at level MAX_DEPTH below the element it is called on, that have children: one
    XPath step per level, which visits each element once (no ancestor count per element)."""
    return etree.XPath("self::*" + "/*" * (MAX_DEPTH - 1) + "[*]")


def _parse(text: str, parser: etree.HTMLParser) -> HtmlElement | None:
    tree: HtmlElement | None = None
    parsed_bytes = False
    try:
        tree = fromstring(text, parser=parser)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, parsed_bytes = _parse_bytes(text, parser), True
    except etree.LxmlError:
        tree = None
    if (tree is None or len(tree) < 1) and not parsed_bytes:
        tree = _parse_bytes(text, parser)
    return tree


def _limit_hit(parser: etree.HTMLParser) -> str | None:
    """The libxml2 limit the last parse hit, if any: it stops there or drops the node, and what
    follows would be missing without a word."""
    hit = parser.error_log.filter_types([etree.ErrorTypes.ERR_RESOURCE_LIMIT])
    return hit[0].message.split(",")[0].strip() if hit else None  # "Excessive depth ...: 256"


def _repair_markup(text: str, beginning: str, repairs: _Repairs) -> str:
    """trafilatura's `repair_faulty_html` without its control-character pass: `sanitize_html`
    has removed the same characters already, and a second scan of the page costs 0.5 ms."""
    if "doctype" in beginning:  # libxml2 chokes on "<!DOCTYPE ... / ...>" (lxml bug 1955915)
        # The first line alone: the rest of the page is copied only when the line changes.
        end = text.find("\n")
        first_line = text if end == -1 else text[:end]
        repaired = repairs.doctype_tag.sub("", first_line, count=1)
        if repaired != first_line or end == -1:  # as trafilatura, which always re-joins
            text = repaired + "\n" + ("" if end == -1 else text[end + 1 :])
    for line in text[:4096].splitlines()[:4]:  # a self-closing <html/> in the first lines
        if "<html" in line and line.endswith("/>"):
            return repairs.faulty_html.sub(r"\1>", text, count=1)
    return text


def _parse_bytes(text: str, parser: etree.HTMLParser) -> HtmlElement | None:
    try:
        tree: HtmlElement = fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.LxmlError, ValueError):  # nothing libxml2 can make a document of
        return None
    return tree


def element_count(tree: HtmlElement) -> int:
    """Elements in the tree, counted inside libxml2 (no Python object per element)."""
    return int(tree.xpath("count(descendant-or-self::*)"))


def document_elements(tree: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """The document's elements (of `tags`, if given) in document order, as an XPath `//*` finds
    them: the HTML parser can leave more than one top-level element (a second <html> after the
    first), which `tree.iter()` would miss. A tag-filtered walk runs in libxml2, far cheaper
    than an XPath predicate per element."""
    root = tree.getroottree().getroot()
    for top in (root, *root.itersiblings()):
        yield from top.iter(*tags)


# --------------------------------------------------------------------------- checks, at first use
# Pages `load_html` repairs (a DOCTYPE with a system id, a self-closing root) or parses as
# bytes (an encoding declaration): `parse_html` must build the same tree. (A page it refuses
# would log an error at every cold start: `is_dubious_html` is checked directly.)
_LOAD_HTML_SAMPLES = (
    "<!DOCTYPE html><html lang='en'><head><title>T</title></head>"
    "<body><article><h1>Head</h1><p>One <b>two</b> three.</p></article></body></html>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared</p></body></html>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1.dtd">\n'
    "<html/>\n<body><p>Repaired</p></body>",
)


def _check_repairs() -> _Repairs:
    utils = "trafilatura.utils"
    doctype_tag, faulty_html = internal(utils, "DOCTYPE_TAG"), internal(utils, "FAULTY_HTML")
    require(
        isinstance(doctype_tag, re.Pattern) and isinstance(faulty_html, re.Pattern),
        f"{utils}.DOCTYPE_TAG or FAULTY_HTML is no regular expression",
    )
    repairs = _Repairs(
        doctype_tag, faulty_html, signature_is(internal(utils, "is_dubious_html"), "(beginning)")
    )
    require(
        repairs.is_dubious_html("just words") and not repairs.is_dubious_html("<!doctype html>"),
        f"{utils}.is_dubious_html tells HTML from text otherwise",
    )
    for sample in _LOAD_HTML_SAMPLES:
        ours, theirs = _parse_html(sample, repairs).tree, load_html(sample)
        require(
            (ours is None and theirs is None)
            or (
                ours is not None
                and theirs is not None
                and etree.tostring(ours) == etree.tostring(theirs)
            ),
            f"parse_html builds another tree than load_html for {sample[:40]!r}",
        )
    return repairs


@functools.cache
def _checked_repairs() -> _Repairs | None:
    """trafilatura's repairs, checked once, at the first parse."""
    return verified(TRAFILATURA_REPAIRS, _check_repairs)
