"""What a page's JSON-LD says about who wrote it and when, read once per page.

trafilatura reads JSON-LD too, but takes an author only from a node typed as an article whose
author has no type or is a `Person`: a `WebPage` node's author, an author given by `@id`
reference into the `@graph`, or a lowercase "person" are missed. This reader takes the author
of any node but a review, comment, answer, product or recipe (those name someone other than the
page's author), in document order, and resolves `@id` references.

Example::

    linked = read_linked_data(parse_html(page))
    linked.posting    # Posting(author="seabird42", date="2024-05-03") on a forum thread
    linked.authors    # "Jane Roe; John Smith": the people a node names as its authors
    linked.organization  # "Harbour Gazette": an organisation named as the author
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from article_extractor.pipeline.literal_prefilter import LazyPattern
from article_extractor.pipeline.read.parsing import document_elements

# schema.org types whose author is the person who opened a thread or asked a question.
_POSTING_TYPES = frozenset({"DiscussionForumPosting", "SocialMediaPosting", "Question"})
# Types whose author is not the page's: a reviewer, a commenter, an answerer, a recipe's cook.
_OTHER_AUTHOR_TYPES = frozenset({"Review", "Comment", "Answer", "Product", "Recipe"})
_MAX_AUTHOR_CHARS = 60
_MAX_JSON_LD_CHARS = 1_000_000
_ISO_DAY = LazyPattern(r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?=$|[T ])")


@dataclass(frozen=True)
class Posting:
    """The page's first forum posting or question as its JSON-LD declares it."""

    author: str | None  # as declared: on a forum, the handle of who opened the thread
    date: str | None  # YYYY-MM-DD of its datePublished (or dateCreated)


@dataclass(frozen=True)
class LinkedData:
    """Authorship the page's JSON-LD declares."""

    posting: Posting | None = None
    authors: str | None = None  # the people (or untyped names) of the first node with authors
    organization: str | None = None  # the organisations of the first node naming one as author


def read_linked_data(tree: HtmlElement) -> LinkedData:
    """The first forum posting or question (also as a `QAPage`'s `mainEntity`), the first
    node's people named as authors and the first node's organisations named as authors.

    Example::

        read_linked_data(parse_html(page)).authors  # "Jane Roe"
    """
    posting: Posting | None = None
    authors: str | None = None
    organization: str | None = None
    for data in _documents(tree):
        nodes = list(_json_ld_nodes(data, depth=0))
        by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
        for node in nodes:
            types = {t for t in _as_list(node.get("@type")) if isinstance(t, str)}
            if posting is None and _POSTING_TYPES & types:
                date = node.get("datePublished") or node.get("dateCreated")
                posting = Posting(
                    _posting_author(node.get("author")),
                    iso_day(date) if isinstance(date, str) else None,
                )
            if "author" not in node or _OTHER_AUTHOR_TYPES & types:
                continue
            people, organizations = _author_names(node["author"], by_id)
            authors = authors or "; ".join(people) or None
            organization = organization or "; ".join(organizations) or None
    return LinkedData(posting, authors, organization)


def iso_day(value: str) -> str | None:
    """The YYYY-MM-DD a date or timestamp opens with: "2024-05-03T09:12:00Z" -> "2024-05-03"."""
    day = _ISO_DAY.match(value.strip())
    return day.group(0) if day else None


def _documents(tree: HtmlElement) -> Iterator[Any]:
    for script in document_elements(tree, "script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        source = script.text or ""
        if len(source) > _MAX_JSON_LD_CHARS:
            continue
        try:
            yield json.loads(source)
        except ValueError:
            continue


def _json_ld_nodes(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Objects of a JSON-LD document in document order: top level, `@graph`, `mainEntity`."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if key in data:
                yield from _json_ld_nodes(data[key], depth + 1)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _posting_author(author: Any) -> str | None:
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return _name(author)


def _author_names(author: Any, by_id: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """People (or untyped names) and organisations among a node's authors."""
    people: list[str] = []
    organizations: list[str] = []
    for item in _as_list(author):
        if isinstance(item, dict) and "name" not in item and item.get("@id") in by_id:
            item = by_id[item["@id"]]  # a reference to a node of the @graph
        types = (
            [t.lower() for t in _as_list(item.get("@type")) if isinstance(t, str)]
            if (isinstance(item, dict))
            else []
        )
        name = _name(item.get("name") if isinstance(item, dict) else item)
        if name is None:
            continue
        if types and "person" not in types:
            organizations.append(name)
        elif name not in people:
            people.append(name)
    return people, organizations


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = " ".join(html.unescape(value).split())
    if not name or len(name) > _MAX_AUTHOR_CHARS or "://" in name:
        return None
    return name
