"""`process_object`: one input -> one `OutputDocument`. Shared by the Lambda, the CLI and the demo.

Permanent problems (`ProcessingError`) become a record with a stable `error.code`; anything
else (S3 throttling, network, bugs) propagates so the platform retries the object.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from article_extractor import __version__
from article_extractor.document import (
    CONTENT_MODEL_OFF,
    Article,
    ContentModelReport,
    Decision,
    Error,
    Extraction,
    OutputDocument,
    Source,
    Status,
)
from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.inputs import FetchedObject, ObjectReader, ObjectRef, read_input
from article_extractor.keys import is_gzip_key
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.blocks.clean import clean_blocks, count_words
from article_extractor.pipeline.blocks.markdown import to_markdown
from article_extractor.pipeline.blocks.typed_blocks import to_text
from article_extractor.pipeline.deadline import time_limit
from article_extractor.pipeline.extract import (
    EXTRACTOR_NAME,
    ExtractedArticle,
    extract_article,
    extractor_version,
)
from article_extractor.pipeline.model.decisions import page_decisions
from article_extractor.pipeline.read.compression import gunzip_bounded, looks_gzipped
from article_extractor.pipeline.read.decoding import decode_html
from article_extractor.timestamps import format_time

DEFAULT_OPTIONS = ProcessingOptions()
STATUS_BY_ERROR = {
    ErrorCode.EMPTY_INPUT: Status.EMPTY,
    ErrorCode.NO_TEXT: Status.EMPTY,
    ErrorCode.UNSUPPORTED_KEY: Status.SKIPPED,
    ErrorCode.INPUT_TOO_LARGE: Status.SKIPPED,
    ErrorCode.DECOMPRESSED_TOO_LARGE: Status.SKIPPED,
    ErrorCode.OBJECT_ARCHIVED: Status.SKIPPED,
}


def process_object(
    ref: ObjectRef, reader: ObjectReader, options: ProcessingOptions = DEFAULT_OPTIONS
) -> OutputDocument:
    """Read, decode, extract and clean one object into its result record, as `options` say.

    Example::

        document = process_object(ObjectRef("in", "page.html"), S3ObjectReader(s3))
        document.status, document.article.title
    """
    started = time.perf_counter()
    try:
        fetched = read_input(ref, reader, options.max_input_bytes)
    except ProcessingError as error:
        return error_document(ref, error, started=started)
    return process_fetched(ref, fetched, options, started)


def error_document(
    ref: ObjectRef,
    error: ProcessingError,
    fetched: FetchedObject | None = None,
    started: float | None = None,
) -> OutputDocument:
    """The record of an object that could not be processed (`error.code` says why)."""
    source = (
        _source_of(ref, fetched)
        if fetched
        else Source(
            bucket=ref.bucket,
            key=ref.key,
            version_id=ref.version_id,
            etag=ref.etag,
            size=ref.size,
        )
    )
    return OutputDocument(
        status=STATUS_BY_ERROR.get(error.code, Status.FAILED),
        source=source,
        extraction=_extraction(time.perf_counter() if started is None else started, None, {}),
        error=Error(code=str(error.code), message=error.message),
    )


def process_fetched(
    ref: ObjectRef,
    fetched: FetchedObject,
    options: ProcessingOptions = DEFAULT_OPTIONS,
    started: float | None = None,
) -> OutputDocument:
    """Decode, extract and clean bytes already read into the object's result record
    (`started`: when the work on it began, for `extraction.duration_ms`)."""
    started = time.perf_counter() if started is None else started
    source = _source_of(ref, fetched)
    encoding: str | None = None
    decisions: tuple[Decision, ...] | None = None
    try:
        with time_limit(options.time_budget):
            html_bytes = _payload(ref, fetched, options.max_input_bytes)
            decoded = decode_html(html_bytes, fetched.content_type)
            encoding = decoded.encoding
            if not decoded.text.strip():
                raise ProcessingError(ErrorCode.EMPTY_INPUT, "object holds only whitespace")
            article = extract_article(
                decoded.text, fetched.source_url, options.content_model, options.explain
            )
            cleaned = clean_blocks(
                article.blocks,
                options.disabled_rules,
                title=article.title,
                site=(article.sitename, article.hostname),
                explain=options.explain,
            )
            text = to_text(cleaned.blocks)
            markdown = to_markdown(cleaned.blocks)
            if article.explained is not None:
                decisions = page_decisions(article.blocks, article.explained, cleaned.removals)
    except ProcessingError as error:
        return OutputDocument(
            status=STATUS_BY_ERROR.get(error.code, Status.FAILED),
            source=source,
            extraction=_extraction(started, encoding, {}),
            error=Error(code=str(error.code), message=error.message),
        )
    blocks = [block.to_dict() for block in cleaned.blocks] if options.include_blocks else None
    extracted = _article(article, text, markdown, blocks)
    extraction = _extraction(
        started,
        encoding,
        cleaned.removed,
        list(article.recovered),
        article.content_model or ContentModelReport(applied=False, outcome=CONTENT_MODEL_OFF),
        article.flattened_subtrees,
    )
    if article.explained is not None:
        extraction = replace(
            extraction, decisions=decisions, metadata_sources=article.explained.sources
        )
    if not text:
        return OutputDocument(
            status=Status.EMPTY,
            source=source,
            article=extracted,
            extraction=extraction,
            error=Error(code=str(ErrorCode.NO_TEXT), message="no article text found in the page"),
        )
    return OutputDocument(status=Status.OK, source=source, article=extracted, extraction=extraction)


# A small dated article: processing it runs every check of trafilatura's and htmldate's internals
# and compiles what most pages need.
_WARM_UP_PAGE = (
    b'<html lang="en"><head><title>Harbour works begin | Gazette</title>'
    b'<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
    b'<meta name="author" content="Jane Roe"></head><body><nav><a href="/">Home</a></nav>'
    b"<article><h1>Harbour works begin</h1><p>By Jane Roe</p>"
    + b"<p>The harbour works began on Monday, with cranes along the quay. </p>"
    * 6
    + b"<ul><li>Share on Facebook</li><li>Read more</li></ul></article>"
    b"<footer><p>&copy; 2024 Gazette. All rights reserved.</p></footer></body></html>"
)


def warm_up() -> None:
    """Process a built-in page now, so that the first real page pays only for itself: for a
    container initialised ahead of traffic (the work is otherwise done at first use).

    Example::

        warm_up()  # checks run, common expressions compiled
    """
    fetched = FetchedObject(body=_WARM_UP_PAGE, size=len(_WARM_UP_PAGE))
    process_fetched(ObjectRef(None, "warm-up.html"), fetched)


def _payload(ref: ObjectRef, fetched: FetchedObject, max_input_bytes: int) -> bytes:
    body = fetched.body
    if not body.strip():
        raise ProcessingError(ErrorCode.EMPTY_INPUT, f"object is empty ({len(body)} bytes)")
    gzipped = is_gzip_key(ref.key) or (fetched.content_encoding or "").lower() == "gzip"
    if gzipped or looks_gzipped(body):
        body = gunzip_bounded(body, max_input_bytes)
        if not body.strip():
            raise ProcessingError(ErrorCode.EMPTY_INPUT, "gzip content is empty")
    return body


def _source_of(ref: ObjectRef, fetched: FetchedObject) -> Source:
    return Source(
        bucket=ref.bucket,
        key=ref.key,
        version_id=fetched.version_id or ref.version_id,
        etag=fetched.etag or ref.etag,
        size=fetched.size,
        content_type=fetched.content_type,
        url=fetched.source_url,
        last_modified=format_time(fetched.last_modified),
    )


def _article(
    article: ExtractedArticle, text: str, markdown: str, blocks: list[dict[str, Any]] | None
) -> Article:
    return Article(
        url=article.url,
        canonical_url=article.canonical_url,
        title=article.title,
        author=article.author,
        date=article.date,
        sitename=article.sitename,
        description=article.description,
        language=article.language,
        hostname=article.hostname,
        image=article.image,
        categories=list(article.categories),
        tags=list(article.tags),
        text=text,
        word_count=count_words(text),
        markdown=markdown,
        blocks=blocks,
        page_type=article.page_type,
        standfirst=article.standfirst,
    )


def _extraction(
    started: float,
    encoding: str | None,
    removed: dict[str, int],
    recovered: list[str] | None = None,
    content_model: ContentModelReport | None = None,
    flattened_subtrees: int = 0,
) -> Extraction:
    return Extraction(
        extractor=EXTRACTOR_NAME,
        extractor_version=extractor_version(),
        package_version=__version__,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        processed_at=format_time(datetime.now(UTC)),
        input_encoding=encoding,
        cleaning=removed,
        recovered=recovered or [],
        content_model=content_model,
        flattened_subtrees=flattened_subtrees or None,  # the key only on the pages it concerns
    )
