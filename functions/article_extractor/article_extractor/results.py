"""One object in, one stored result: the step every entry point shares (the Lambda's event
handlers, S3 Batch Operations, and the `backfill` command)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import Settings
from .document import OutputDocument
from .events import ObjectRef
from .keys import output_key
from .ordering import SourceStamp, parse_time
from .storage import ObjectReader, WriteOutcome, stored_result, write_result

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True)
class StoredResult:
    document: OutputDocument
    output_key: str
    written: WriteOutcome


def source_stamp(document: OutputDocument, ref: ObjectRef) -> SourceStamp:
    """The identity of the source a document was made from, as stored with the result."""
    return SourceStamp(
        last_modified=parse_time(document.source.last_modified) or parse_time(ref.event_time),
        etag=document.source.etag,
        version_id=document.source.version_id,
        sequencer=ref.sequencer,
    )


def process_and_store(
    ref: ObjectRef,
    s3: S3Client,
    reader: ObjectReader,
    settings: Settings,
    time_budget: float | None = None,
) -> StoredResult:
    """Process one object and store its record (unless a newer one is already stored)."""
    # trafilatura and lxml load with the first document processed (see lazy_imports).
    from .processing import process_object

    target = output_key(settings.output_prefix, ref.key)
    document = process_object(ref, reader, settings.max_input_bytes, time_budget=time_budget)
    written = write_result(
        s3, settings.output_bucket, target, document.to_bytes(), source_stamp(document, ref)
    )
    return StoredResult(document, target, written)


def result_is_current(s3: S3Client, settings: Settings, ref: ObjectRef) -> bool:
    """True when the stored result was made from the source with `ref.etag` (resumed runs)."""
    if not ref.etag:
        return False
    stored = stored_result(s3, settings.output_bucket, output_key(settings.output_prefix, ref.key))
    return stored is not None and stored[1].etag == ref.etag.strip('"')
