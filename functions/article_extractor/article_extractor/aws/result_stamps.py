"""What a stored result was made from, and whether it still says what S3 holds. Pure functions
over the stamp stored with each result as S3 object metadata.

S3 delivers events at least once and in any order, and version ids carry no order. So a result
is never ordered against another by times (event times have milliseconds, LastModified whole
seconds): it is made from the key's *current* object, read from S3, and replaced when that is
no longer the object it was made from (`results.process_and_store`). Two things here only spare
work: an event whose sequencer is not newer than the one stored with the result changes nothing
(S3 documents sequencers as comparable between events of one key), and a result made from the
current object by this or a newer package needs no new extraction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum

from article_extractor.inputs import FetchedObject
from article_extractor.timestamps import format_time, parse_time

_SOURCE_PREFIX = "source-"
# Results stored with these codes are made again when their source is seen again: the cause
# lies outside the page (an archived object is readable once restored).
RETRY_ERROR_CODES = frozenset({"object_archived"})
# S3 reports objects stored before versioning was enabled with the version id "null".
_UNVERSIONED = "null"
_RELEASE = re.compile(r"\d+(?:\.\d+)*")


class Order(IntEnum):
    OLDER = -1
    SAME = 0
    NEWER = 1


@dataclass(frozen=True)
class SourceStamp:
    """Identity of the source object a result was made from, and the sequencer of the event
    that had it made (None for Batch Operations, backfill and the CLI)."""

    last_modified: datetime | None = None
    etag: str | None = None
    version_id: str | None = None
    sequencer: str | None = None

    def to_metadata(self) -> dict[str, str]:
        values = {
            "last-modified": format_time(self.last_modified),
            "etag": self.etag,
            "version-id": self.version_id,
            "sequencer": self.sequencer,
        }
        return {_SOURCE_PREFIX + k: v for k, v in values.items() if v}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, str]) -> SourceStamp:
        values = {k.lower().removeprefix(_SOURCE_PREFIX): v for k, v in metadata.items()}
        return cls(
            last_modified=parse_time(values.get("last-modified")),
            etag=values.get("etag") or None,
            version_id=values.get("version-id") or None,
            sequencer=values.get("sequencer") or None,
        )


@dataclass(frozen=True)
class Producer:
    """The package and extractor versions that made a result."""

    package_version: str | None = None
    extractor_version: str | None = None


@dataclass(frozen=True)
class ResultStamp:
    """Everything stored with a result as S3 object metadata (S3 returns the names lowercased):
    its source, what made it, and its error code (none for `ok`)."""

    source: SourceStamp = field(default_factory=SourceStamp)
    producer: Producer = field(default_factory=Producer)
    error_code: str | None = None

    def to_metadata(self) -> dict[str, str]:
        values = {
            "package-version": self.producer.package_version,
            "extractor-version": self.producer.extractor_version,
            "error-code": self.error_code,
        }
        return {**self.source.to_metadata(), **{k: v for k, v in values.items() if v}}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, str]) -> ResultStamp:
        values = {k.lower(): v for k, v in metadata.items()}
        return cls(
            source=SourceStamp.from_metadata(
                {k: v for k, v in values.items() if k.startswith(_SOURCE_PREFIX)}
            ),
            producer=Producer(
                package_version=values.get("package-version") or None,
                extractor_version=values.get("extractor-version") or None,
            ),
            error_code=values.get("error-code") or None,
        )


def source_identity(fetched: FetchedObject) -> SourceStamp:
    """The object version some bytes came from, as a result's stamp names it."""
    return SourceStamp(
        last_modified=fetched.last_modified, etag=fetched.etag, version_id=fetched.version_id
    )


def sequencer_order(ours: str, theirs: str) -> Order:
    """How the event with sequencer `ours` relates to the one with `theirs` (same key only):
    hexadecimal strings, the shorter right-padded with zeros, compared as text (S3's rule)."""
    width = max(len(ours), len(theirs))
    mine, other = ours.upper().ljust(width, "0"), theirs.upper().ljust(width, "0")
    if mine == other:
        return Order.SAME
    return Order.NEWER if mine > other else Order.OLDER


def event_already_reflected(event_sequencer: str | None, stored: ResultStamp) -> bool:
    """True when the stored result was made for an event at least as late as this one: it was
    made from what the key held after this event's change, so this event changes nothing."""
    theirs = stored.source.sequencer
    if not event_sequencer or not theirs:
        return False
    return sequencer_order(event_sequencer, theirs) is not Order.NEWER


def same_source(ours: SourceStamp, theirs: SourceStamp) -> bool:
    """True when both stamps name the same object version. Version ids decide where both have
    one; otherwise the ETag and LastModified (both as S3 reports them for the object)."""
    mine = None if ours.version_id == _UNVERSIONED else ours.version_id
    other = None if theirs.version_id == _UNVERSIONED else theirs.version_id
    if mine or other:
        return mine == other
    if not ours.etag or ours.etag != theirs.etag:
        return False
    if ours.last_modified and theirs.last_modified:
        return _whole_seconds(ours.last_modified) == _whole_seconds(theirs.last_modified)
    return True


def is_up_to_date(
    stored: ResultStamp, current: SourceStamp, producer: Producer, reprocess: bool = False
) -> bool:
    """True when the stored result needs no new extraction: it was made from the `current`
    object version, its error (if any) would come again, and, when re-processing is asked for,
    no part of `producer` is newer than what made it."""
    return same_source(current, stored.source) and is_reusable(stored, producer, reprocess)


def is_reusable(stored: ResultStamp, producer: Producer, reprocess: bool = False) -> bool:
    """True when a result made from the right object needs no new extraction: its error (if
    any) would come again, and, when re-processing is asked for, it was not made by an older
    package or extractor than `producer`."""
    if stored.error_code in RETRY_ERROR_CODES:
        return False
    return not (reprocess and is_newer_producer(producer, stored.producer))


def is_newer_producer(ours: Producer, theirs: Producer) -> bool:
    """True when `ours` is newer than `theirs` in the package or the extractor version and older
    in neither. A missing version (results made before versions were stored) counts as oldest."""
    pairs = (
        (release(ours.package_version), release(theirs.package_version)),
        (release(ours.extractor_version), release(theirs.extractor_version)),
    )
    if any(mine < other for mine, other in pairs):
        return False
    return any(mine > other for mine, other in pairs)


def release(version: str | None) -> tuple[int, ...]:
    """The release numbers of a version string ('2.3.1' -> (2, 3, 1)); () when there are none.

    The two versions compared are this package's and trafilatura's, plain release numbers;
    `packaging` (about 1 MB) is not in the Lambda layer for this.
    """
    match = _RELEASE.match(version or "")
    return tuple(int(part) for part in match.group().split(".")) if match else ()


def _whole_seconds(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)
