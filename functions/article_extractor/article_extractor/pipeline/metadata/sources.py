"""Where each metadata field of a document came from (`extraction.metadata_sources`), found by
asking each of the extraction's candidates, in the extraction's order of preference, whether it
gives the value chosen. Only computed when asked (`ProcessingOptions.explain`).

The sources, per field:

- title: `h1` (the page's main heading), `og:title`, `twitter:title`, `title_element` (its
  `<title>`), `page_metadata` (trafilatura's metadata: JSON-LD headline and the like);
- author: `json_ld_posting` (a forum thread's or question's opening post), `json_ld_author`,
  `page_metadata` (meta tags, or the byline markup of the page), `json_ld_organization`;
- date: `json_ld_posting`, `microdata_posting`, `date_search` (htmldate's search of the page);
- language: `html_lang`, `content_language`, `og_locale`, `page_metadata`, `detected` (from
  the text);
- sitename, description, image, canonical_url: `page_metadata`; standfirst: `lede` (the element
  showing the page's description, put back into the text) or `opening_block` (the text opens
  with it).

Example::

    title_source("Tram line approved", ["Tram line approved"], [("og:title", "...")], None, None)
    # "h1"
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml.html import HtmlElement

from article_extractor.pipeline.metadata.linked_data import LinkedData
from article_extractor.pipeline.metadata.page_metadata import microdata_posting_date
from article_extractor.pipeline.metadata.title_author import clean_author, says_title
from article_extractor.pipeline.read.parsing import document_elements

PAGE_METADATA = "page_metadata"


def title_source(
    title: str | None,
    headings: Sequence[str],
    declared: Sequence[tuple[str, str]],
    sitename: str | None,
    hostname: str | None,
) -> str | None:
    """`h1` when one of the page's headings says `title` (as `choose_title` would write it),
    else the first declared title (source, text) that does, else `page_metadata`."""
    if not title:
        return None
    if any(says_title(heading, title, sitename, hostname) for heading in headings):
        return "h1"
    for source, text in declared:
        if says_title(text, title, sitename, hostname):
            return source
    return PAGE_METADATA


def declared_titles(tree: HtmlElement) -> list[tuple[str, str]]:
    """og:title, twitter:title and `<title>` with their sources, where the page has them."""
    found: dict[str, str] = {}
    for meta in document_elements(tree, "meta"):
        name = (meta.get("property") or meta.get("name") or "").lower()
        if name in ("og:title", "twitter:title"):
            found.setdefault(name, meta.get("content") or "")
    title = next(document_elements(tree, "title"), None)
    if title is not None:
        found["title_element"] = title.text_content()
    return [(source, text) for source, text in found.items() if text.strip()]


def author_source(
    author: str | None, linked: LinkedData, metadata_author: str | None
) -> str | None:
    """The first of the extraction's author candidates that gives `author`."""
    if not author:
        return None
    posting = linked.posting
    if posting is not None and posting.author == author:
        return "json_ld_posting"
    if clean_author(linked.authors) == author:
        return "json_ld_author"
    if clean_author(metadata_author) == author:
        return PAGE_METADATA
    if clean_author(linked.organization) == author:
        return "json_ld_organization"
    return PAGE_METADATA


def date_source(date: str | None, linked: LinkedData, tree: HtmlElement) -> str | None:
    """The first of the extraction's date candidates that gives `date`."""
    if not date:
        return None
    posting = linked.posting
    if posting is not None and posting.date == date:
        return "json_ld_posting"
    if microdata_posting_date(tree) == date:
        return "microdata_posting"
    return "date_search"


def language_source(
    language: str | None,
    tree: HtmlElement,
    declared: str | None,
    metadata_language: str | None,
) -> str | None:
    """Which declaration gave `language`, or `page_metadata`, or `detected` from the text."""
    if not language:
        return None
    if declared == language:
        if _code(tree.get("lang") or tree.get("xml:lang")) == language:
            return "html_lang"
        for meta in document_elements(tree, "meta"):
            if (meta.get("http-equiv") or "").lower() == "content-language" and _code(
                meta.get("content")
            ) == language:
                return "content_language"
        return "og_locale"
    if metadata_language == language:
        return PAGE_METADATA
    return "detected"


def _code(value: str | None) -> str | None:
    primary = (value or "").strip().replace("_", "-").split("-")[0].lower()
    return primary or None
