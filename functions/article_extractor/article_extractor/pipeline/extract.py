"""HTML text -> `ExtractedArticle`: trafilatura for the body and metadata, plus the page's
own declarations (language, canonical URL) read from the same parsed tree."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from article_extractor.document import ContentModelReport
from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.blocks.figures import with_figures
from article_extractor.pipeline.blocks.images import image_url
from article_extractor.pipeline.blocks.lede import find_lede, insert_lede, opening_standfirst
from article_extractor.pipeline.blocks.typed_blocks import (
    Block,
    blocks_from_result,
    reads_trafilatura,
    to_text,
)
from article_extractor.pipeline.metadata.language import detect_language
from article_extractor.pipeline.metadata.linked_data import read_linked_data
from article_extractor.pipeline.metadata.page_metadata import (
    microdata_posting_date,
    page_metadata,
    stated_date,
)
from article_extractor.pipeline.metadata.sources import (
    PAGE_METADATA,
    author_source,
    date_source,
    declared_titles,
    language_source,
    title_source,
)
from article_extractor.pipeline.metadata.title_author import (
    choose_title,
    clean_author,
)
from article_extractor.pipeline.model.content_model import Refined, refine
from article_extractor.pipeline.model.decisions import PageEvidence
from article_extractor.pipeline.model.kept_blocks import revised
from article_extractor.pipeline.read.parsing import document_elements, element_count, parse_page
from article_extractor.pipeline.read.sanitize import sanitize_html
from article_extractor.pipeline.upstream.speedups import fast_paths, install_fast_paths
from article_extractor.urls import absolute_web_url

EXTRACTOR_NAME = "trafilatura"
# Real pages have up to ~10,000 elements; far beyond that, parsing time and memory explode.
MAX_ELEMENTS = 100_000


@dataclass(frozen=True)
class ExtractedArticle:
    """Main text and metadata of one page, before cleaning."""

    text: str  # the blocks' plain text, before cleaning
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    hostname: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)
    tags: tuple[str, ...] = field(default_factory=tuple)
    recovered: tuple[str, ...] = field(default_factory=tuple)  # recall steps that added text
    blocks: tuple[Block, ...] = field(default_factory=tuple)  # the main content, before cleaning
    content_model: ContentModelReport | None = None  # what the block model did (None: off)
    page_type: str | None = None  # the page type (None when the content model is off)
    standfirst: str | None = None  # the deck under the headline, when the page shows one
    flattened_subtrees: int = 0  # subtrees nested too deep, kept as their text (parsing)
    explained: PageEvidence | None = None  # what `page_decisions` needs, when asked


def extractor_version() -> str:
    return str(getattr(trafilatura, "__version__", "unknown"))


def extract_article(
    html: str, url: str | None = None, content_model: bool = True, explain: bool = False
) -> ExtractedArticle:
    """Extract the main article text (comments excluded) and metadata from one page.

    With `content_model`, a page that does not declare itself an article is classified
    (`page_type`) and, for a page type with a rule, its content is the text blocks the block
    model keeps (`content_model.refine`) instead of trafilatura's (`ExtractedArticle.
    content_model` says what happened).

    Returns an article with empty `text` when the page has metadata but no article body.
    Raises ProcessingError `extraction_error` when the HTML cannot be parsed at all, and
    `too_complex` when it is too costly to parse (see `markup_limits`) or too large to process.
    Its `url` and `canonical_url` are absolute http(s) URLs or None; a `url` hint that is not
    one is unused. With `explain`, `explained` keeps what the decisions about each block of the
    page and the metadata's sources are read from (`model.decisions.page_decisions`).

    Example::

        article = extract_article(html, url="https://example.com/news/1")
        article.title, article.text
    """
    url = absolute_web_url(url)
    try:
        parsed = parse_page(sanitize_html(html))
    except ProcessingError:
        raise  # not_html, too_complex: already the record's error
    except Exception as error:  # lxml raises several unrelated types on hostile input
        raise ProcessingError(
            ErrorCode.EXTRACTION_ERROR, f"HTML could not be parsed: {error}"
        ) from error
    tree = parsed.tree
    if tree is None:
        raise ProcessingError(ErrorCode.EXTRACTION_ERROR, "HTML could not be parsed")
    elements = element_count(tree)
    if elements > MAX_ELEMENTS:
        raise ProcessingError(
            ErrorCode.TOO_COMPLEX, f"{elements} elements, over the {MAX_ELEMENTS} processed"
        )
    declared_language = page_language(tree)
    canonical = canonical_url(tree, url)
    base = page_base_url(tree, url or canonical)
    try:
        result = _extract(tree, url)
    except ProcessingError:
        raise
    except Exception as error:  # a crash on one page must become its error record
        raise ProcessingError(
            ErrorCode.EXTRACTION_ERROR, f"{type(error).__name__}: {error}"
        ) from error
    linked = read_linked_data(tree)
    # A forum thread's opening post: its author is a handle, which bylines never give, and its
    # date is the thread's (from JSON-LD, else microdata), where the page's many post dates
    # mislead the date search, which then need not run.
    posting = linked.posting
    posting_date = (posting.date if posting else None) or microdata_posting_date(tree)
    fields = _metadata(tree, url, declared_language, search_date=not posting_date)
    blocks = blocks_from_result(result)
    sitename = _clean_str(fields.get("sitename"))
    hostname = _clean_str(fields.get("hostname"))
    title = choose_title(
        [heading for heading in map(_clean_str, _headings(tree)) if heading],
        [t for t in map(_clean_str, (*_declared_titles(tree), fields.get("title"))) if t],
        sitename,
        hostname,
    )
    description = _clean_str(fields.get("description"))
    blocks = with_figures(tree, blocks, base)
    text = to_text(blocks)
    recovered: tuple[str, ...] = ()
    lede = find_lede(tree, description, text) if text else None
    if lede:
        blocks, recovered = insert_lede(blocks, lede, title, (sitename, hostname)), ("lede",)
        text = to_text(blocks)
    standfirst = lede or opening_standfirst(blocks, description)
    report, page_type, decision = None, None, None
    if content_model:
        decision = refine(tree, url, text)
        report, page_type = _report(decision), decision.page_type
        if decision.changed and decision.blocks:
            blocks = revised(blocks, decision.blocks)
            text = to_text(blocks)
    article = ExtractedArticle(
        flattened_subtrees=parsed.flattened_subtrees,
        content_model=report,
        page_type=page_type,
        text=text,
        blocks=tuple(blocks),
        recovered=recovered,
        standfirst=standfirst,
        title=title,
        author=(posting.author if posting else None)
        or clean_author(linked.authors)
        or clean_author(_clean_str(fields.get("author")))
        or clean_author(linked.organization),
        date=posting_date or stated_date(_clean_str(fields.get("date")), html),
        sitename=sitename,
        description=description,
        language=declared_language
        or _language_code(fields.get("language"))
        or detect_language(text),
        url=absolute_web_url(_clean_str(fields.get("url")), base=url) or canonical or url,
        canonical_url=canonical,
        hostname=hostname,
        image=image_url(_clean_str(fields.get("image")), base),
        categories=_str_tuple(fields.get("categories")),
        tags=_str_tuple(fields.get("tags")),
    )
    if not explain:
        return article
    sources = {
        "title": title_source(title, _headings(tree), declared_titles(tree), sitename, hostname),
        "author": author_source(article.author, linked, _clean_str(fields.get("author"))),
        "date": date_source(article.date, linked, tree),
        "language": language_source(
            article.language, tree, declared_language, _language_code(fields.get("language"))
        ),
        "page_type": _page_type_source(decision),
        "standfirst": ("lede" if lede else "opening_block") if standfirst else None,
        **{
            name: PAGE_METADATA
            for name in ("sitename", "description", "image")
            if getattr(article, name)
        },
    }
    evidence = PageEvidence(
        tree,
        url,
        decision,
        lede if recovered else None,
        title,
        (sitename, hostname),
        {name: source for name, source in sources.items() if source},
    )
    return replace(article, explained=evidence)


def _page_type_source(decision: Refined | None) -> str | None:
    """`declared_article` when the page declares itself an article, else `classifier`."""
    if decision is None:
        return None
    return "declared_article" if decision.declared else "classifier"


def _report(decision: Refined) -> ContentModelReport:
    scored = decision.blocks is not None
    confidence = decision.confidence
    return ContentModelReport(
        applied=decision.changed,
        outcome=str(decision.outcome),
        page_type_confidence=round(confidence, 4) if confidence is not None else None,
        blocks=len(decision.blocks or ()) if scored else None,
        kept=len(decision.kept_blocks) if scored else None,
        added=decision.added if scored else None,
        removed=decision.removed if scored else None,
    )


_FIELDS = (
    "title",
    "author",
    "date",
    "sitename",
    "description",
    "language",
    "url",
    "hostname",
    "image",
    "categories",
    "tags",
)


def _extract(tree: HtmlElement, url: str | None) -> Any:
    # Not `fast`: trafilatura's fallbacks (readability, jusText) cost time but pay in recall
    # (bench/speed.py and bench/quality.py measure both). Metadata comes from `page_metadata`.
    install_fast_paths()  # checked at the first page, then only re-asserted
    with fast_paths():
        return bare_extraction(
            tree,
            url=url,
            # The blocks are read from the result tree: "txt" skips rendering its text, which
            # "python" does and nothing reads (the same tree either way). Unread, the text is
            # what the blocks fall back to.
            output_format="txt" if reads_trafilatura() else "python",
            include_comments=False,
            include_tables=True,
            with_metadata=False,
            deduplicate=False,
        )


def _metadata(
    tree: HtmlElement, url: str | None, language: str | None, search_date: bool
) -> dict[str, Any]:
    try:
        metadata = page_metadata(tree, url, language, search_date)
    except ProcessingError:
        raise
    except Exception:  # metadata is a bonus: a crash in it never costs the text
        return {}
    return {slot: getattr(metadata, slot, None) for slot in _FIELDS}


def _headings(tree: HtmlElement) -> list[str]:
    """The page's `<h1>` texts, in order."""
    return [h1.text_content() for h1 in document_elements(tree, "h1")]


def _declared_titles(tree: HtmlElement) -> list[str]:
    """og:title, twitter:title and `<title>`, in that order, where the page has them."""
    metas: dict[str, str] = {}
    for meta in document_elements(tree, "meta"):
        name = (meta.get("property") or meta.get("name") or "").lower()
        if name in ("og:title", "twitter:title"):
            metas.setdefault(name, meta.get("content") or "")
    title = next(document_elements(tree, "title"), None)
    found = [metas.get("og:title", ""), metas.get("twitter:title", "")]
    return [t for t in (*found, title.text_content() if title is not None else "") if t]


def page_language(tree: HtmlElement) -> str | None:
    """The language the page declares: <html lang>, Content-Language, or og:locale."""
    metas = list(document_elements(tree, "meta"))
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),  # the HTML parser keeps XHTML's attribute under its literal name
        *(
            meta.get("content")
            for meta in metas
            if (meta.get("http-equiv") or "").translate(_LOWER_CONTENT_LANGUAGE)
            == "content-language"
        ),
        *(meta.get("content") for meta in metas if meta.get("property") == "og:locale"),
    ]
    for candidate in candidates:
        code = _language_code(candidate)
        if code:
            return code
    return None


def page_base_url(tree: HtmlElement, page_url: str | None) -> str | None:
    """The URL relative URLs of the page resolve against, as a browser's: its first `<base
    href>` made absolute against `page_url`, else `page_url` (an absolute http(s) URL or None).

    Example::

        page_base_url(parse_html('<base href="/en/">'), "https://example.com/a")
        # "https://example.com/en/"
    """
    declared = next((b for b in document_elements(tree, "base") if b.get("href")), None)
    if declared is not None:
        resolved = absolute_web_url(declared.get("href"), base=page_url)
        if resolved:
            return resolved
    return page_url


def canonical_url(tree: HtmlElement, base_url: str | None) -> str | None:
    """The page's <link rel="canonical">, or og:url, made absolute against `base_url`: the first
    that is an absolute http(s) URL with a host."""
    hrefs = [
        *(
            link.get("href")
            for link in document_elements(tree, "link")
            if (link.get("rel") or "").translate(_LOWER_CANONICAL) == "canonical"
        ),
        *(
            meta.get("content")
            for meta in document_elements(tree, "meta")
            if meta.get("property") == "og:url"
        ),
    ]
    for href in hrefs:
        absolute = absolute_web_url(str(href or ""), base=base_url)
        if absolute:
            return absolute
    return None


# Declarations compare case-insensitively on the letters of the expected value only (as an
# XPath translate() does), not with str.lower().
_LOWER_CONTENT_LANGUAGE = str.maketrans("CONTENTLAG", "contentlag")
_LOWER_CANONICAL = str.maketrans("CANONICAL", "canonical")


def _language_code(value: object) -> str | None:
    """'en-GB' / 'de_DE' / 'FR' -> 'en' / 'de' / 'fr'; None for anything else (a language
    subtag is ASCII letters: 'эн' is none)."""
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha() else None


def _clean_str(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _str_tuple(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in (_clean_str(v) for v in value) if item)
