"""One key in, its result in step with what S3 holds: the step every entry point shares (the
Lambda's event handlers, S3 Batch Operations, and the `backfill` command).

An event only says that a key changed; what the result must say is read from S3. Each attempt:

1. snapshot: read the stored result (its ETag and stamp), *then* the key's current object;
2. if the key has no object: delete the result (`If-Match` the snapshot's ETag);
3. if the result was made from that object version (and needs no re-processing): done;
4. otherwise extract the object and write its record (`If-Match` the snapshot's ETag, or
   `If-None-Match: *` when there was none), then look at the key again: if it no longer holds
   the version written, go round again.

A write fails its precondition when another writer changed the result after our snapshot; we
then go round again. So whatever order events arrive and are processed in, and however many
times, the last write is made from what the key held after its last change, and a key without
an object ends without a result. Reading the result before the object matters: a writer whose
snapshot shows another's result read the object after that other did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from article_extractor import __version__
from article_extractor.aws.result_stamps import (
    Producer,
    ResultStamp,
    SourceStamp,
    event_already_reflected,
    is_reusable,
    is_up_to_date,
    same_source,
    source_identity,
)
from article_extractor.aws.storage import (
    DENIED_CODES,
    StoredResult,
    current_source,
    delete_stored_result,
    error_code,
    put_result,
    stored_result,
    strip_etag,
)
from article_extractor.config import Settings
from article_extractor.document import OutputDocument
from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.inputs import FetchedObject, ObjectReader, ObjectRef, read_input
from article_extractor.keys import output_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ATTEMPTS = 5


class Written(StrEnum):
    """What happened to the result of one key."""

    WRITTEN = "written"  # the result is now the record of the key's current object
    UNCHANGED = "unchanged"  # the stored result was already made from the current object
    STALE = "stale"  # the event was older than (or the same as) the one the result reflects
    DELETED = "deleted"  # the key has no object: its result was deleted
    ABSENT = "absent"  # the key has no object and had no result
    KEPT = "kept"  # the key has no object, but DELETE_ON_REMOVE=false keeps its result


@dataclass(frozen=True)
class Snapshot:
    """The stored result, then the key's current object as read (or why it could not be)."""

    stored: StoredResult | None
    fetched: FetchedObject | None
    problem: ProcessingError | None  # None with `fetched` None: the key has no object


@dataclass(frozen=True)
class StoredOutcome:
    """The outcome for one key: what was written or deleted, and the record when one was made."""

    output_key: str
    written: Written
    document: OutputDocument | None = None


def take_snapshot(
    ref: ObjectRef, s3: S3Client, reader: ObjectReader, settings: Settings
) -> Snapshot:
    """Read the stored result of `ref`'s key, then the key's current object (this order: see
    the module's docstring). Transient S3 errors propagate."""
    stored = stored_result(s3, settings.output_bucket, output_key(settings.output_prefix, ref.key))
    try:
        return Snapshot(stored, read_input(ref.current(), reader, settings.max_input_bytes), None)
    except ProcessingError as error:
        if error.code is ErrorCode.OBJECT_NOT_FOUND:
            return Snapshot(stored, None, None)
        return Snapshot(stored, None, error)


def process_and_store(
    ref: ObjectRef,
    s3: S3Client,
    reader: ObjectReader,
    settings: Settings,
    time_budget: float | None = None,
    *,
    reprocess: bool = False,
    first_snapshot: Snapshot | None = None,
) -> StoredOutcome:
    """Bring the result of `ref`'s key in step with the key's current object.

    `reprocess` replaces a result made from the current object by an older package or
    trafilatura version (never by an older object). `first_snapshot` is the first attempt's
    snapshot when a read-ahead took it.

    Example::

        outcome = process_and_store(ObjectRef("in", "a.html"), s3, S3ObjectReader(s3), settings)
        outcome.written, outcome.document.status
    """
    target = output_key(settings.output_prefix, ref.key)
    snapshot = first_snapshot
    for _ in range(ATTEMPTS):
        if snapshot is None:
            snapshot = take_snapshot(ref, s3, reader, settings)
        outcome = _settle(ref, snapshot, s3, reader, settings, target, time_budget, reprocess)
        if outcome is not None:
            return outcome
        snapshot = None
    raise RuntimeError(f"s3://{ref.bucket}/{ref.key} kept changing during {ATTEMPTS} attempts")


def _settle(
    ref: ObjectRef,
    snapshot: Snapshot,
    s3: S3Client,
    reader: ObjectReader,
    settings: Settings,
    target: str,
    time_budget: float | None,
    reprocess: bool,
) -> StoredOutcome | None:
    """One attempt; None when the key or its result changed under us (go round again)."""
    stored = snapshot.stored
    if stored and not reprocess and event_already_reflected(ref.sequencer, stored.stamp):
        return StoredOutcome(target, Written.STALE)
    identity: SourceStamp | None = None
    if snapshot.fetched is not None:
        identity = source_identity(snapshot.fetched)
    elif snapshot.problem is not None:
        # The record will say why the object could not be read; HEAD still names its version.
        exists, identity = _look_up(s3, ref)
        if not exists:
            return _no_object(ref, stored, s3, settings, target)
    else:
        return _no_object(ref, stored, s3, settings, target)
    # The extractor's version loads trafilatura: not needed to see that nothing changed.
    producer = Producer(__version__, _extractor_version() if reprocess else None)
    if stored and identity and is_up_to_date(stored.stamp, identity, producer, reprocess):
        return StoredOutcome(target, Written.UNCHANGED)
    producer = Producer(__version__, _extractor_version())
    document = _record(ref, identity, snapshot, settings, time_budget)
    stamp = ResultStamp(
        source=_with_sequencer(identity or _event_identity(ref), ref.sequencer),
        producer=producer,
        error_code=document.error.code if document.error else None,
    )
    replacing = stored.etag if stored else None
    if not put_result(s3, settings.output_bucket, target, document.to_bytes(), stamp, replacing):
        return None
    if identity is not None and not _still_current(s3, ref, identity):
        return None  # the key changed while we worked: its new object decides
    return StoredOutcome(target, Written.WRITTEN, document)


def _no_object(
    ref: ObjectRef, stored: StoredResult | None, s3: S3Client, settings: Settings, target: str
) -> StoredOutcome | None:
    if not settings.delete_on_remove:
        if stored is not None or ref.is_removal:
            return StoredOutcome(target, Written.KEPT if stored else Written.ABSENT)
        # Results outlive their uploads here, so an upload deleted before it was read still
        # gets its one record.
        from article_extractor.pipeline import error_document

        error = ProcessingError(ErrorCode.OBJECT_NOT_FOUND, f"s3://{ref.bucket}/{ref.key} is gone")
        document = error_document(ref, error)
        stamp = ResultStamp(
            source=_with_sequencer(_event_identity(ref), ref.sequencer),
            producer=Producer(__version__, _extractor_version()),
            error_code=str(error.code),
        )
        if not put_result(s3, settings.output_bucket, target, document.to_bytes(), stamp, None):
            return None
        return StoredOutcome(target, Written.WRITTEN, document)
    if stored is None:
        return StoredOutcome(target, Written.ABSENT)
    if not delete_stored_result(s3, settings.output_bucket, target, stored.etag):
        return None
    return StoredOutcome(target, Written.DELETED)


def _record(
    ref: ObjectRef,
    identity: SourceStamp | None,
    snapshot: Snapshot,
    settings: Settings,
    time_budget: float | None,
) -> OutputDocument:
    from article_extractor.pipeline import error_document, process_fetched

    if snapshot.fetched is None:
        assert snapshot.problem is not None
        if identity is not None:  # the record names the version HEAD saw, not the event's
            ref = replace(ref, etag=identity.etag, version_id=identity.version_id)
        return error_document(ref, snapshot.problem)
    return process_fetched(ref, snapshot.fetched, settings.processing_options(time_budget))


def _look_up(s3: S3Client, ref: ObjectRef) -> tuple[bool, SourceStamp | None]:
    """Whether the key has an object, and that object's identity when HEAD may read it (HEAD
    works on archived objects too; a denied HEAD leaves the identity unknown)."""
    from botocore.exceptions import ClientError

    assert ref.bucket is not None
    try:
        identity = current_source(s3, ref.bucket, ref.key)
    except ClientError as error:
        if error_code(error) in DENIED_CODES:
            return True, None
        raise
    return identity is not None, identity


def _still_current(s3: S3Client, ref: ObjectRef, identity: SourceStamp) -> bool:
    assert ref.bucket is not None
    now = current_source(s3, ref.bucket, ref.key)
    return now is not None and same_source(identity, now)


def _event_identity(ref: ObjectRef) -> SourceStamp:
    return SourceStamp(etag=strip_etag(ref.etag), version_id=ref.version_id)


def _with_sequencer(identity: SourceStamp, sequencer: str | None) -> SourceStamp:
    return SourceStamp(identity.last_modified, identity.etag, identity.version_id, sequencer)


def _extractor_version() -> str:
    from article_extractor.pipeline.extract import extractor_version

    return extractor_version()


def result_is_current(
    s3: S3Client, settings: Settings, ref: ObjectRef, *, reprocess: bool = False
) -> bool:
    """True when the stored result was made from the listed object (`ref.etag`, from a
    listing) and needs no new extraction (backfill's resume check; it never loads trafilatura
    unless re-processing is asked for)."""
    if not ref.etag:
        return False
    stored = stored_result(s3, settings.output_bucket, output_key(settings.output_prefix, ref.key))
    if stored is None or stored.stamp.source.etag != strip_etag(ref.etag):
        return False
    producer = Producer(__version__, _extractor_version() if reprocess else None)
    return is_reusable(stored.stamp, producer, reprocess)
