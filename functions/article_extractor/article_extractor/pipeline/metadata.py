"""Page metadata from the parsed tree: trafilatura's metadata steps, minus its two costly ones.

trafilatura's `extract_metadata` reads OpenGraph and <meta> tags, then JSON-LD, then falls back
to searching the page. Two of its steps cost more than they give here:

- the author fallback (when neither tags nor JSON-LD name one, about half the pages) deep-copies
  the whole tree and runs XPath expressions whose `re:test` calls back into Python for every
  element: 11.5 ms per page on average on the evaluation set, over a third of a median page's
  extraction. `byline_author` looks for the same markup (`rel`/`itemprop`/`class`/`id` naming
  the author or byline, outside comment sections) in one pass over the elements, without
  regular expressions, and finds about as many authors (208 against 202 on the 558 evaluation
  pages that need it; 173 identical). As plain XPath it took 2.6 ms per page; the pass takes 1;
- the licence search, whose result the output document has no field for.

Categories and tags come from trafilatura's `extract_catstags`, which runs up to six XPath
expressions over the whole page per field (2.8 ms on pages near the median time) and keeps only
links whose href names a category or tag folder. `categories_and_tags` first finds those links
with one expression (0.25 ms); three pages in four have none, and then the expressions cannot
match, so only the <meta> fallback runs. Same results on every page.

Everything else is trafilatura's own helpers, in its order, so titles, dates (htmldate's
extensive search), URLs, site names, categories and tags are what trafilatura finds.
"""

from __future__ import annotations

import re

from courlan import extract_domain
from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import line_processing, trim

from article_extractor.errors import ProcessingError
from article_extractor.pipeline.parsing import document_elements

# Byline markup, searched in one pass over the elements (plain Python: as XPath predicates, the
# same tests cost 2.6 ms per page, as much as a third of the metadata step).
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
_COMMENT_MARKERS = ("comment", "Comment")
_MAX_BYLINE_CHARS = 120  # an author box holding a biography is not a byline

# extract_catstags keeps a link only if its href matches "/<type>(y|ies|s)?/", so it needs one
# of these substrings: pages without such links cannot have categories or tags from the body.
_FOLDER_LINKS = XPath("//a[contains(@href, '/categor') or contains(@href, '/tag')]")
_FOLDER_HREF = {
    "category": re.compile("/categor(?:y|ies|s)?/"),
    "tag": re.compile("/tag(?:y|ies|s)?/"),
}
_SECTION_META = XPath(
    './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'
)


def _elements(expression: XPath, tree: HtmlElement) -> list[HtmlElement]:
    found = expression(tree)
    if not isinstance(found, list):
        return []
    return [node for node in found if isinstance(node, HtmlElement)]


def byline_author(tree: HtmlElement) -> str | None:
    """The text of the first element marked as the author or byline, if it is short.

    Elements marked outright come first, then elements whose markup mentions the author;
    both in document order, and never inside a comment section."""
    marked, mentioning = _byline_candidates(tree)
    for element in (*marked, *mentioning):
        if _in_comments(element):
            continue
        text = trim(" ".join(element.itertext()))
        if text and 2 < len(text) < _MAX_BYLINE_CHARS:
            return normalize_authors(None, text) or None
    return None


def _byline_candidates(tree: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    marked: list[HtmlElement] = []
    mentioning: list[HtmlElement] = []
    for element in document_elements(tree):
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


def page_metadata(tree: HtmlElement, url: str | None = None) -> Document:
    """Title, author, date, URL, host, site name, description, image, categories and tags.

    Example::

        metadata = page_metadata(parse_html(html), "https://example.com/news/1")
        metadata.title, metadata.author, metadata.date
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a single word from a tag is a handle, not a name
    try:
        metadata = extract_meta_json(tree, metadata)
    except ProcessingError:
        raise  # the time limit expired inside it
    except Exception:  # trafilatura's JSON-LD reader can fail on odd documents: tags stay
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = byline_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if metadata.url:
        metadata.hostname = extract_domain(metadata.url, fast=True)
    date_params = set_date_params(True)
    date_params["url"] = metadata.url
    metadata.date = find_date(tree, **date_params)
    metadata.sitename = _sitename(metadata.sitename or extract_sitename(tree), metadata.url)
    if not metadata.categories or not metadata.tags:
        categories, tags = categories_and_tags(
            tree, categories=not metadata.categories, tags=not metadata.tags
        )
        metadata.categories = metadata.categories or categories
        metadata.tags = metadata.tags or tags
    metadata.clean_and_trim()
    return metadata


def categories_and_tags(
    tree: HtmlElement, categories: bool = True, tags: bool = True
) -> tuple[list[str], list[str]]:
    """What `extract_catstags` returns for "category" and for "tag" (an empty list for a field
    not asked for), without running its expressions on pages that have no link into a category
    or tag folder."""
    hrefs = [str(link.get("href", "")) for link in _elements(_FOLDER_LINKS, tree)]

    def links_to(metatype: str) -> bool:
        return any(_FOLDER_HREF[metatype].search(href) for href in hrefs)

    found_categories: list[str] = []
    if categories:
        if links_to("category"):
            found_categories = extract_catstags("category", tree)
        else:
            found_categories = _section_categories(tree)
    found_tags = extract_catstags("tag", tree) if tags and links_to("tag") else []
    return found_categories, found_tags


def _section_categories(tree: HtmlElement) -> list[str]:
    """extract_catstags' fallback for categories when no link qualifies."""
    sections = (str(meta.get("content")) for meta in _elements(_SECTION_META, tree))
    unique = dict.fromkeys(line_processing(section) for section in sections if section)
    return [line for line in unique if line]


def _sitename(name: str | None, url: str | None) -> str | None:
    """A declared site name without a handle's "@", else the URL's host."""
    if name:
        name = name.lstrip("@")
        if name and "." not in name and not name[0].isupper():
            name = name.title()
        return name or None
    match = META_URL.match(url or "")
    return match[1] if match else None
