"""Which of two versions of a source object is newer, so an older event never overwrites the
result of a newer one. Pure functions over the identity stored with each result.

S3 delivers events at least once and in any order. Each result records the source it was made
from (`SourceStamp`, kept as S3 object metadata). The source's LastModified decides; for the
same second, the events' sequencers (hex strings S3 orders lexicographically) do; the same
ETag and version mean the same content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

_PREFIX = "source-"
_FIELDS = ("last-modified", "etag", "version-id", "sequencer")


class Order(IntEnum):
    OLDER = -1
    SAME = 0
    NEWER = 1


@dataclass(frozen=True)
class SourceStamp:
    """Identity of the source object a result was made from (or of a removal event)."""

    last_modified: datetime | None = None
    etag: str | None = None
    version_id: str | None = None
    sequencer: str | None = None

    def to_metadata(self) -> dict[str, str]:
        values = {
            "last-modified": _format_time(self.last_modified),
            "etag": self.etag,
            "version-id": self.version_id,
            "sequencer": self.sequencer,
        }
        return {_PREFIX + k: v for k, v in values.items() if v}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, str]) -> SourceStamp:
        values = {k.lower().removeprefix(_PREFIX): v for k, v in metadata.items()}
        return cls(
            last_modified=parse_time(values.get("last-modified")),
            etag=values.get("etag") or None,
            version_id=values.get("version-id") or None,
            sequencer=values.get("sequencer") or None,
        )


def compare(ours: SourceStamp, theirs: SourceStamp) -> Order:
    """How `ours` relates to `theirs` (the stamp of the result already stored)."""
    if ours.etag and ours.etag == theirs.etag and ours.version_id == theirs.version_id:
        return Order.SAME
    if ours.last_modified and theirs.last_modified and ours.last_modified != theirs.last_modified:
        return Order.NEWER if ours.last_modified > theirs.last_modified else Order.OLDER
    if ours.sequencer and theirs.sequencer and ours.sequencer != theirs.sequencer:
        width = max(len(ours.sequencer), len(theirs.sequencer))
        mine, other = (
            ours.sequencer.upper().ljust(width, "0"),
            theirs.sequencer.upper().ljust(width, "0"),
        )
        return Order.NEWER if mine > other else Order.OLDER
    if ours.last_modified and not theirs.last_modified:
        return Order.NEWER
    if theirs.last_modified and not ours.last_modified:
        return Order.OLDER
    return Order.NEWER  # nothing tells them apart: the latest writer wins


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
