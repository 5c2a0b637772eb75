"""Page metadata from the parsed tree: trafilatura's metadata steps, minus its two costly ones.

trafilatura's `extract_metadata` reads OpenGraph and <meta> tags, then JSON-LD, then falls back
to searching the page. Two of its steps cost more than they give here:

- the author fallback (when neither tags nor JSON-LD name one, about half the pages) deep-copies
  the whole tree and runs XPath expressions whose `re:test` calls back into Python for every
  element: 11.5 ms per page on average on the evaluation set, over a third of a median page's
  extraction. `byline_author` looks for the same markup (`rel`/`itemprop`/`class`/`id` naming
  the author or byline, outside comment sections) without regular expressions: libxml2 selects
  the elements whose class, id, itemprop or rel hold one of its words, Python tests those few. It
  finds about as many authors (208 against 202 on the 558 evaluation pages that need it; 173
  identical);
- the licence search, whose result the output document has no field for.

When the tags and JSON-LD name no one (or only a dateline, or a single word), `markup_author`
searches the markup in order: microdata (`itemprop="author"` and its `name`: forums and Q&A
sites), a link to the author's page, the byline markup above (each element in turn until one
holds a name), then a text opening with a byline word in several languages ("By", "Von", "Par",
"Por", ...) and followed by a name written as one. A single word from an author tag comes last.

Categories and tags come from trafilatura's `extract_catstags`, which runs up to six XPath
expressions over the whole page per field (2.8 ms on pages near the median time) and keeps only
links whose href names a category or tag folder. `categories_and_tags` first finds those links
with one expression (0.25 ms); three pages in four have none, and then the expressions cannot
match, so only the <meta> fallback runs. Same results on every page.

Everything else is trafilatura's own helpers, in its order, so titles, URLs, site names,
categories and tags are what trafilatura finds, and dates what htmldate's extensive search finds
(with the page's language, and its last resort reading the page without scripts: `date_search`).

Those helpers are not trafilatura's public API: they are resolved and checked once, at the
first page (`internals.verified`: names and signatures, what the string helpers return and what the
category search finds on built-in samples). On a trafilatura where they are not as verified,
`page_metadata` returns trafilatura's public `extract_metadata` (slower, with its own author
search and no handle or site-name touches), after one warning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from courlan import extract_domain
from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement, document_fromstring
from trafilatura import extract_metadata

from article_extractor.errors import ProcessingError
from article_extractor.pipeline.metadata.date_search import date_paths
from article_extractor.pipeline.metadata.linked_data import iso_day
from article_extractor.pipeline.metadata.title_author import (
    BYLINE_WORDS,
    clean_author,
    looks_like_name,
)
from article_extractor.pipeline.upstream.checked_internals import (
    internal,
    require,
    signature_is,
    verified,
)

if TYPE_CHECKING:
    from trafilatura.settings import Document

METADATA_HELPERS = "metadata from trafilatura's helpers"

# Byline markup: tested in Python on the elements `_BYLINE_MARKUP` selects (as XPath predicates
# on every element, the same tests cost more than walking every element in Python).
# 1. markup that says "author" outright: (attribute, value) pairs, or an <author> element;
_AUTHOR_MARKUP = (
    ("rel", "author"),
    ("itemprop", "author"),
    ("class", "author"),
    ("id", "author"),
    ("class", "byline"),
)
# 2. elements of these tags whose class, id or itemprop mentions the author or the byline.
_BYLINE_TAGS = frozenset({"a", "address", "div", "p", "span", "strong", "h3", "h4"})
_BYLINE_MENTIONS = (
    ("class", ("author", "Author", "byline", "Byline")),
    ("id", ("author", "Author")),
    ("itemprop", ("author",)),
)
# Every element either test above can select, in document order: libxml2 reads the four
# attributes off each element, and Python tests only the few elements that hold one of the words.
_BYLINE_MARKUP = XPath(
    "//@class[contains(., 'uthor') or contains(., 'yline')]/.. | //@id[contains(., 'uthor')]/.."
    " | //@itemprop[contains(., 'author')]/.. | //@rel[. = 'author']/.. | //author"
)
_COMMENT_MARKERS = ("comment", "Comment")
_MAX_BYLINE_CHARS = 120  # an author box holding a biography is not a byline
# Microdata: the author item, and its name (a <meta content> or the element's text). Here and
# below, an element is selected by its attribute (`//@name[test]/parent::*`): libxml2 tests only
# the attributes of that name, where `//*[test on @name]` evaluates a predicate per element.
_MICRODATA_AUTHORS = XPath('//@itemprop[. = "author"]/parent::*')
_MICRODATA_NAME = XPath('.//*[@itemprop="name"]')
# A question's or forum thread's opening post as microdata marks it (Q&A sites that declare no
# JSON-LD), and the dates it declares, in document order.
_MICRODATA_POSTINGS = XPath(
    "//@itemtype[contains(., 'schema.org/Question')"
    " or contains(., 'schema.org/DiscussionForumPosting')"
    " or contains(., 'schema.org/SocialMediaPosting')]/parent::*[@itemscope]"
)
_MICRODATA_POSTING_DATES = XPath('.//*[@itemprop="dateCreated" or @itemprop="datePublished"]')
# A link to the author's page, as blogs and news sites write it: ".../author/jane-roe".
_AUTHOR_PAGE_LINKS = XPath(
    "//a/@href[contains(., '/author/') or contains(., '/authors/')]/parent::*"
)
_MAX_LINK_NAME_CHARS = 60
# Text nodes whose first word opens a byline ("By", "Von", "Written"; the full phrase is
# checked after), not in the page's controls and surroundings, where "Shop by Category" and
# "Sort by Price" are. One first-word lookup per text node: a `starts-with` per byline word
# costs ten times as much.
_BYLINE_TEXTS = XPath(
    "//body//text()[contains($first_words, concat('|', substring-before("
    "concat(normalize-space(.), ' '), ' '), '|'))][not(ancestor::*[self::script or self::style"
    " or self::nav or self::form or self::button or self::label or self::select or self::option"
    " or self::footer or self::aside])]"
)
_BYLINE_FIRST_WORDS = "|" + "|".join(dict.fromkeys(w.split()[0] for w in BYLINE_WORDS)) + "|"
_BYLINE_STARTS = tuple(f"{word} " for word in BYLINE_WORDS)
_SHORT_BYLINE_WORD = 5  # a text this short is the byline word alone: the name follows it
_MAX_BYLINE_LINE_CHARS = 80

# extract_catstags keeps a link only if its href matches "/<type>(y|ies|s)?/", so it needs one
# of these substrings: pages without such links cannot have categories or tags from the body.
_FOLDER_LINKS = XPath("//a/@href[contains(., '/categor') or contains(., '/tag')]/parent::*")
_FOLDER_HREF = {
    "category": re.compile("/categor(?:y|ies|s)?/"),
    "tag": re.compile("/tag(?:y|ies|s)?/"),
}
_SECTION_META = XPath(
    './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'
)


@dataclass(frozen=True)
class _Helpers:
    """The trafilatura helpers this module calls, resolved and checked at the first page."""

    examine_meta: Callable[[HtmlElement], Document]
    extract_meta_json: Callable[[HtmlElement, Document], Document]
    extract_title: Callable[[HtmlElement], str | None]
    extract_url: Callable[[HtmlElement, str | None], str | None]
    extract_sitename: Callable[[HtmlElement], str | None]
    extract_catstags: Callable[[str, HtmlElement], list[str]]
    normalize_authors: Callable[[str | None, str], str | None]
    set_date_params: Callable[[bool], dict[str, Any]]
    line_processing: Callable[[str], str | None]
    trim: Callable[[str], str]
    meta_url: re.Pattern[str]  # the host of a URL, as trafilatura reads it


def page_metadata(
    tree: HtmlElement,
    url: str | None = None,
    language: str | None = None,
    search_date: bool = True,
) -> Document:
    """Title, author, date, URL, host, site name, description, image, categories and tags.

    The date comes from htmldate's search (see `date_search`) for a page in `language` (as
    it declares it); without `search_date` (the caller has the date already) there is none.

    Example::

        metadata = page_metadata(parse_html(html), "https://example.com/news/1", "en")
        metadata.title, metadata.author, metadata.date
    """
    helpers = _checked_helpers()
    if helpers is None:  # not as verified on this trafilatura: its public metadata extraction
        stock: Document = extract_metadata(tree, url)
        return stock
    metadata = helpers.examine_meta(tree)
    handle = None
    if metadata.author and " " not in metadata.author:
        # A single word from a tag is often a handle or the site's name: the page's JSON-LD and
        # markup may name the person; the word is the author only when they name no one.
        handle, metadata.author = metadata.author, None
    try:
        metadata = helpers.extract_meta_json(tree, metadata)
    except ProcessingError:
        raise  # the time limit expired inside it
    except Exception:  # trafilatura's JSON-LD reader can fail on odd documents: tags stay
        pass
    if not metadata.title:
        metadata.title = helpers.extract_title(tree)
    if not clean_author(metadata.author):
        metadata.author = _markup_author(tree, helpers) or handle
    if not metadata.url:
        metadata.url = helpers.extract_url(tree, url)
    if metadata.url:
        metadata.hostname = extract_domain(metadata.url, fast=True)
    if search_date:
        date_params = helpers.set_date_params(True)
        date_params["url"] = metadata.url
        with date_paths(language):
            metadata.date = find_date(tree, **date_params)
    sitename = metadata.sitename or helpers.extract_sitename(tree)
    metadata.sitename = _sitename(sitename, metadata.url, helpers.meta_url)
    if not metadata.categories or not metadata.tags:
        categories, tags = _categories_and_tags(
            tree, helpers, categories=not metadata.categories, tags=not metadata.tags
        )
        metadata.categories = metadata.categories or categories
        metadata.tags = metadata.tags or tags
    metadata.clean_and_trim()
    return metadata


_DAY_WINDOW = 40  # characters around a year where a date with it can be written


def microdata_posting_date(tree: HtmlElement) -> str | None:
    """The day the page's first question or forum posting item says it was written
    (`itemprop="dateCreated"` or `"datePublished"`, as `datetime` or `content`): on a Q&A
    page, the question's date, where the date search finds an answer's or an edit's.

    Example::

        microdata_posting_date(parse_html(question_page))  # "2011-02-11"
    """
    postings = _elements(_MICRODATA_POSTINGS, tree)
    if not postings:
        return None
    for element in _elements(_MICRODATA_POSTING_DATES, postings[0]):
        day = iso_day(element.get("datetime") or element.get("content") or "")
        if day:
            return day
    return None


def stated_date(date: str | None, html: str) -> str | None:
    """`date`, unless it is a first of January the page never states. The date search falls
    back to the year of a copyright line, or any year in the text, as YYYY-01-01: on a page
    without a date, that is an invented one.

        stated_date("2025-01-01", "<footer>&copy; 2025 Harbour Notes</footer>")  # None
    """
    if not date or not date.endswith("-01-01"):
        return date
    year = date[:4]
    escaped = re.escape(year)
    day = re.compile(
        rf"(?<!\d){escaped}[-/.]0?1[-/.]0?1(?!\d)|(?<!\d)0?1[-/.]0?1[-/.]{escaped}(?!\d)"
        rf"|\bjan(uary)?\.?\s+0?1(st)?,?\s+{escaped}\b"
        rf"|(?<!\d)0?1(st|er|\.)?\s+(of\s+)?(jan(uary|vier|uar)?|enero|gennaio|janeiro)\.?,?\s+"
        rf"(de\s+)?{escaped}\b",
        re.IGNORECASE,
    )
    # Each way of writing the day holds the year: look only around where the year is.
    start = html.find(year)
    while start != -1:
        if day.search(html, max(0, start - _DAY_WINDOW), start + len(year) + _DAY_WINDOW):
            return date
        start = html.find(year, start + 1)
    return None


def _elements(expression: XPath, tree: HtmlElement) -> list[HtmlElement]:
    found = expression(tree)
    if not isinstance(found, list):
        return []
    return [node for node in found if isinstance(node, HtmlElement)]


def byline_author(tree: HtmlElement) -> str | None:
    """The names in the first element marked as the author or byline, if it is short.

    Elements marked outright come first, then elements whose markup mentions the author;
    both in document order, and never inside a comment section. An element that holds no
    name (a dateline in a "byline" box) is passed over for the next.

    Example::

        byline_author(parse_html('<html><body><p class="byline">By Jane Roe</p></body></html>'))
    """
    return _byline_author(tree, _verified_helpers())


def markup_author(tree: HtmlElement) -> str | None:
    """The author the page's markup names: microdata, a link to the author's page, byline
    markup, then a line that opens with a byline word ("By", "Von", "Por", ...).

    Example::

        markup_author(parse_html('<p><a href="/author/jane-roe">Jane Roe</a></p>'))  # "Jane Roe"
    """
    return _markup_author(tree, _verified_helpers())


def _markup_author(tree: HtmlElement, helpers: _Helpers) -> str | None:
    return (
        _microdata_author(tree)
        or _author_page_link(tree)
        or _byline_author(tree, helpers)
        or _byline_line(tree)
    )


def _byline_author(tree: HtmlElement, helpers: _Helpers) -> str | None:
    marked, mentioning = _byline_candidates(tree)
    for element in (*marked, *mentioning):
        if _in_comments(element):
            continue
        text = helpers.trim(" ".join(element.itertext()))
        if text and 2 < len(text) < _MAX_BYLINE_CHARS:
            author = clean_author(helpers.normalize_authors(None, text) or None)
            if author:
                return author
    return None


def _microdata_author(tree: HtmlElement) -> str | None:
    """The `name` of the first `itemprop="author"` (a forum's or Q&A site's poster), or the
    author element's own `content`."""
    for element in _elements(_MICRODATA_AUTHORS, tree):
        if _in_comments(element):
            continue
        name = element.get("content")
        if not name:
            named = _elements(_MICRODATA_NAME, element)
            if not named:
                continue
            name = named[0].get("content") or named[0].text_content()
        author = clean_author(" ".join(name.split()))
        if author:
            return author
    return None


def _author_page_link(tree: HtmlElement) -> str | None:
    """The text of the first link to an author's page (".../author/jane-roe")."""
    for link in _elements(_AUTHOR_PAGE_LINKS, tree):
        text = " ".join(link.text_content().split())
        if not text or len(text) > _MAX_LINK_NAME_CHARS or _in_comments(link):
            continue
        author = clean_author(text)
        if author:
            return author
    return None


def _byline_line(tree: HtmlElement) -> str | None:
    """Full names after a byline word at the start of a text ("By Jane Roe", "Por Ana Ruiz");
    a byline word standing alone takes its element's text ("By <a>Jane Roe</a>"). A single
    word ("By Category") or a pair ("By Gender & Age") is a filter's label, not a byline."""
    found = _BYLINE_TEXTS(tree, first_words=_BYLINE_FIRST_WORDS)
    for text in found if isinstance(found, list) else []:
        if not isinstance(text, str):
            continue
        line = " ".join(text.split())
        if line not in BYLINE_WORDS and not line.startswith(_BYLINE_STARTS):
            continue
        parent = getattr(text, "getparent", lambda: None)()
        if len(line) < _SHORT_BYLINE_WORD and isinstance(parent, HtmlElement):
            line = " ".join(parent.text_content().split())
            if len(line) > _MAX_BYLINE_LINE_CHARS:
                continue
        author = clean_author(line[:_MAX_BYLINE_LINE_CHARS])
        if author and "&" not in author and looks_like_name(author, min_words=2):
            return author
    return None


def _byline_candidates(tree: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    marked: list[HtmlElement] = []
    mentioning: list[HtmlElement] = []
    for element in _elements(_BYLINE_MARKUP, tree):
        tag = element.tag
        if not (isinstance(element, HtmlElement) and element.attrib) and tag != "author":
            continue
        if tag == "author" or any(element.get(name) == value for name, value in _AUTHOR_MARKUP):
            marked.append(element)
        if tag in _BYLINE_TAGS and any(
            word in value
            for name, words in _BYLINE_MENTIONS
            if (value := element.get(name))
            for word in words
        ):
            mentioning.append(element)
    return marked, mentioning


def _in_comments(element: HtmlElement) -> bool:
    for node in (element, *element.iterancestors()):
        for name in ("class", "id"):
            value = node.get(name)
            if value and any(marker in value for marker in _COMMENT_MARKERS):
                return True
    return False


def categories_and_tags(
    tree: HtmlElement, categories: bool = True, tags: bool = True
) -> tuple[list[str], list[str]]:
    """What `extract_catstags` returns for "category" and for "tag" (an empty list for a field
    not asked for), without running its expressions on pages that have no link into a category
    or tag folder.

    Example::

        categories, tags = categories_and_tags(parse_html(html))
    """
    return _categories_and_tags(tree, _verified_helpers(), categories, tags)


def _categories_and_tags(
    tree: HtmlElement, helpers: _Helpers, categories: bool = True, tags: bool = True
) -> tuple[list[str], list[str]]:
    hrefs = [str(link.get("href", "")) for link in _elements(_FOLDER_LINKS, tree)]

    def links_to(metatype: str) -> bool:
        return any(_FOLDER_HREF[metatype].search(href) for href in hrefs)

    found_categories: list[str] = []
    if categories:
        if links_to("category"):
            found_categories = helpers.extract_catstags("category", tree)
        else:
            found_categories = _section_categories(tree, helpers)
    found_tags = helpers.extract_catstags("tag", tree) if tags and links_to("tag") else []
    return found_categories, found_tags


def _section_categories(tree: HtmlElement, helpers: _Helpers) -> list[str]:
    """extract_catstags' fallback for categories when no link qualifies."""
    sections = (str(meta.get("content")) for meta in _elements(_SECTION_META, tree))
    unique = dict.fromkeys(helpers.line_processing(section) for section in sections if section)
    return [line for line in unique if line]


def _sitename(name: str | None, url: str | None, meta_url: re.Pattern[str]) -> str | None:
    """A declared site name without a handle's "@", else the URL's host."""
    if name:
        name = name.lstrip("@")
        if name and "." not in name and not name[0].isupper():
            name = name.title()
        return name or None
    match = meta_url.match(url or "")
    return match[1] if match else None


# --------------------------------------------------------------------------- checks, at first use
# Category and tag links in a container trafilatura reads; near misses ("/categorical",
# "/tagline") and a section <meta>; neither: what `categories_and_tags` must find as
# trafilatura's expressions do.
_CATEGORY_SAMPLES = (
    "<html><body><article><p>Text.</p><div class='entry-meta'><a href='/category/city/'>City"
    "</a> <a href='/tag/transport/'>Transport</a></div></article></body></html>",
    "<html><head><meta property='article:section' content='City &amp; Region'></head><body>"
    "<div class='entry-meta'><a href='/categorical/a'>A</a><a href='/tagline/b'>B</a></div>"
    "</body></html>",
    "<html><body><p><a href='/category/city/'>City</a> <a href='/tags/x/'>X</a></p></body></html>",
)


def _check_helpers() -> _Helpers:
    def function(module: str, name: str, signature: str) -> Any:
        return signature_is(internal(f"trafilatura.{module}", name), signature)

    helpers = _Helpers(
        examine_meta=function("metadata", "examine_meta", "(tree)"),
        extract_meta_json=function("metadata", "extract_meta_json", "(tree, metadata)"),
        extract_title=function("metadata", "extract_title", "(tree)"),
        extract_url=function("metadata", "extract_url", "(tree, default_url=None)"),
        extract_sitename=function("metadata", "extract_sitename", "(tree)"),
        extract_catstags=function("metadata", "extract_catstags", "(metatype, tree)"),
        normalize_authors=function(
            "json_metadata", "normalize_authors", "(current_authors, author_string)"
        ),
        set_date_params=function("settings", "set_date_params", "(extensive=True)"),
        line_processing=function(
            "utils", "line_processing", "(line, preserve_space=False, trailing_space=False)"
        ),
        trim=function("utils", "trim", "(string)"),
        meta_url=internal("trafilatura.metadata", "META_URL"),
    )
    # What this module's own code relies on them to return.
    require(helpers.trim(" Jane \n  Roe ") == "Jane Roe", "trim collapses no whitespace")
    require(
        helpers.normalize_authors(None, "By Jane Roe") == "Jane Roe",
        "normalize_authors keeps the 'By' of a byline",
    )
    require(helpers.line_processing("  City \n") == "City", "line_processing trims no line")
    host = helpers.meta_url.match("https://www.example.org/a")
    require(host is not None and host[1] == "example.org", "META_URL reads no host")
    require(isinstance(helpers.set_date_params(True), dict), "set_date_params returns no dict")
    for sample in map(document_fromstring, _CATEGORY_SAMPLES):
        require(
            _categories_and_tags(sample, helpers)
            == (
                helpers.extract_catstags("category", sample),
                helpers.extract_catstags("tag", sample),
            ),
            "categories_and_tags finds other categories or tags than extract_catstags",
        )
    return helpers


@functools.cache
def _checked_helpers() -> _Helpers | None:
    """The helpers, checked once, at the first page."""
    return verified(METADATA_HELPERS, _check_helpers)


def _verified_helpers() -> _Helpers:
    """The checked helpers: only `page_metadata`'s own path (and tests) call for them."""
    helpers = _checked_helpers()
    if helpers is None:
        raise RuntimeError(f"{METADATA_HELPERS}: not as verified on this trafilatura")
    return helpers
