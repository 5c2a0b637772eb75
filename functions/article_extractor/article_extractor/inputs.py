"""What one input is, wherever it comes from: a reference to it (`ObjectRef`), its bytes and
what the store says about them (`FetchedObject`), and how it is read (`ObjectReader`). The S3
reader lives in `aws.storage`, the local-file reader with the tools; every step after the read
is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.keys import is_supported_key, supported_suffixes_text
from article_extractor.urls import absolute_web_url, decode_metadata_value

SOURCE_URL_METADATA_KEY = "source-url"


class Change(StrEnum):
    """What an event says happened to its object."""

    CREATED = "created"  # a new object or version: extract it
    REMOVED = "removed"  # deleted or expired: its result goes, unless the key has an object again
    RESTORED = "restored"  # an archived object's restored copy is readable: extract it
    OTHER = "other"  # ACL, tags, storage class, replication...: nothing to do


@dataclass(frozen=True)
class ObjectRef:
    """One S3 object to process, as named by an event (key already decoded)."""

    bucket: str | None  # None for local files (the CLI)
    key: str
    version_id: str | None = None
    etag: str | None = None
    size: int | None = None
    sequencer: str | None = None
    event_name: str | None = None
    event_time: str | None = None

    @property
    def change(self) -> Change:
        return change_of(self.event_name)

    @property
    def is_removal(self) -> bool:
        return self.change is Change.REMOVED

    def current(self) -> ObjectRef:
        """The same key with nothing of one version: what reading the key's current object
        needs (and what a read-ahead is keyed by)."""
        return ObjectRef(bucket=self.bucket, key=self.key)

    def without_event(self) -> ObjectRef:
        return replace(self, sequencer=None, event_name=None, event_time=None)


# S3 notification event names (`ObjectCreated:Put`, `LifecycleExpiration:Delete`, ...) by prefix.
_CHANGE_BY_EVENT_PREFIX = (
    ("ObjectCreated:", Change.CREATED),
    ("ObjectRemoved:", Change.REMOVED),
    ("LifecycleExpiration:", Change.REMOVED),
    ("ObjectRestore:Completed", Change.RESTORED),
)


def change_of(event_name: str | None) -> Change:
    """`ObjectCreated:Put` -> CREATED; `ObjectRemoved:*` and `LifecycleExpiration:*` -> REMOVED;
    `ObjectRestore:Completed` -> RESTORED; anything else -> OTHER. None (Batch Operations,
    backfill, the CLI: no event) -> CREATED."""
    if event_name is None:
        return Change.CREATED
    for prefix, change in _CHANGE_BY_EVENT_PREFIX:
        if event_name.startswith(prefix):
            return change
    return Change.OTHER


@dataclass(frozen=True)
class FetchedObject:
    """The bytes of one input (at most the bound) and what the store says about them."""

    body: bytes
    size: int
    etag: str | None = None
    version_id: str | None = None
    content_type: str | None = None
    content_encoding: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None

    @property
    def source_url(self) -> str | None:
        """The `source-url` metadata when it is an absolute http(s) URL (RFC 2047-decoded)."""
        return absolute_web_url(
            decode_metadata_value(self.metadata.get(SOURCE_URL_METADATA_KEY, ""))
        )


class ObjectReader(Protocol):
    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        """Read `ref`, never more than `max_bytes + 1` bytes.

        Raises ProcessingError for permanent problems (missing, too large); anything else
        (throttling, 5xx, network) propagates so the platform retries.
        """
        ...


def read_input(ref: ObjectRef, reader: ObjectReader, max_input_bytes: int) -> FetchedObject:
    """The object's bytes (at most `max_input_bytes`), or ProcessingError for a key this
    function does not process and for permanent read problems (gone, too large, denied)."""
    if not is_supported_key(ref.key):
        raise ProcessingError(
            ErrorCode.UNSUPPORTED_KEY, f"key does not end in {supported_suffixes_text()}"
        )
    return reader.read(ref, max_input_bytes)


def too_large(size: int, max_bytes: int) -> ProcessingError:
    return ProcessingError(
        ErrorCode.INPUT_TOO_LARGE, f"object is {size} bytes, over the {max_bytes}-byte limit"
    )
