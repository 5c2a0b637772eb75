"""Reading inputs with a size bound, and writing results. The only module that touches S3.

Both readers return the same `FetchedObject`, so the Lambda (S3) and the CLI (local files) share
every step after the read.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from .errors import ErrorCode, ProcessingError
from .events import ObjectRef
from .ordering import Order, SourceStamp, compare
from .urls import absolute_web_url, decode_metadata_value

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SOURCE_URL_METADATA_KEY = "source-url"
JSON_CONTENT_TYPE = "application/json"
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
_DENIED_CODES = frozenset({"AccessDenied", "403", "Forbidden", "AllAccessDisabled"})
# A concurrent writer changed the result between our read and our write: look again.
_CONFLICT_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})
_WRITE_ATTEMPTS = 5


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


def too_large(size: int, max_bytes: int) -> ProcessingError:
    return ProcessingError(
        ErrorCode.INPUT_TOO_LARGE, f"object is {size} bytes, over the {max_bytes}-byte limit"
    )


class S3ObjectReader:
    """Reads objects from S3 with a size bound."""

    def __init__(self, s3: S3Client) -> None:
        self._s3 = s3

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        if ref.bucket is None:
            raise ValueError("S3ObjectReader needs a bucket")
        request: dict[str, Any] = {"Bucket": ref.bucket, "Key": ref.key}
        if ref.version_id:
            request["VersionId"] = ref.version_id
        try:
            response = self._s3.get_object(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _NOT_FOUND_CODES:
                raise ProcessingError(
                    ErrorCode.OBJECT_NOT_FOUND, f"s3://{ref.bucket}/{ref.key} no longer exists"
                ) from None
            if code in _DENIED_CODES:
                # Retrying does not grant a permission: record it, the upload is not lost.
                raise ProcessingError(
                    ErrorCode.ACCESS_DENIED, f"reading s3://{ref.bucket}/{ref.key} was denied"
                ) from None
            raise
        stream = response["Body"]
        try:
            size = int(response.get("ContentLength", 0))
            if size > max_bytes:
                raise too_large(size, max_bytes)
            body = stream.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise too_large(len(body), max_bytes)
        finally:
            stream.close()
        return FetchedObject(
            body=body,
            size=size,
            etag=(response.get("ETag") or "").strip('"') or None,
            version_id=response.get("VersionId") or ref.version_id,
            content_type=response.get("ContentType"),
            content_encoding=response.get("ContentEncoding"),
            metadata={k.lower(): v for k, v in response.get("Metadata", {}).items()},
            last_modified=response.get("LastModified"),
        )


class LocalFileReader:
    """Reads local files (the CLI), with the same bound and the same result as S3.

    `source_url` plays the part of the S3 object metadata `source-url`.
    """

    def __init__(self, source_url: str | None = None) -> None:
        self._metadata = {SOURCE_URL_METADATA_KEY: source_url} if source_url else {}

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        path = Path(ref.key)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise too_large(size, max_bytes)
            with path.open("rb") as handle:
                body = handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise ProcessingError(ErrorCode.OBJECT_NOT_FOUND, f"{path} does not exist") from None
        if len(body) > max_bytes:
            raise too_large(len(body), max_bytes)
        content_type, content_encoding = mimetypes.guess_type(path.name)
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        return FetchedObject(
            body=body,
            size=size,
            content_type=content_type,
            content_encoding=content_encoding,
            metadata=dict(self._metadata),
            last_modified=modified,
        )


class WriteOutcome(StrEnum):
    WRITTEN = "written"  # the result is now this document
    UNCHANGED = "unchanged"  # the stored result came from the same source version
    STALE = "stale"  # the stored result came from a newer source version: kept


class DeleteOutcome(StrEnum):
    DELETED = "deleted"
    ABSENT = "absent"
    NEWER_KEPT = "newer_kept"  # the result came from a source written after the removal


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def stored_result(s3: S3Client, bucket: str, key: str) -> tuple[str, SourceStamp] | None:
    """ETag and source stamp of the stored result, or None when there is none."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if _error_code(error) in _NOT_FOUND_CODES:
            return None
        raise
    return head["ETag"], SourceStamp.from_metadata(head.get("Metadata", {}))


def write_result(
    s3: S3Client, bucket: str, key: str, body: bytes, stamp: SourceStamp
) -> WriteOutcome:
    """Store one result unless a result of the same or a newer source is already there.

    Conditional writes (`If-None-Match: *` when absent, `If-Match: <etag>` when present) make
    the check and the write one step: two writers racing for a key cannot both win, and the
    loser looks again.
    """
    for _ in range(_WRITE_ATTEMPTS):
        stored = stored_result(s3, bucket, key)
        condition: dict[str, str] = {"IfNoneMatch": "*"}
        if stored is not None:
            etag, theirs = stored
            order = compare(stamp, theirs)
            if order is Order.SAME:
                return WriteOutcome.UNCHANGED
            if order is Order.OLDER:
                return WriteOutcome.STALE
            condition = {"IfMatch": etag}
        try:
            s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=body,
                ContentType=JSON_CONTENT_TYPE,
                Metadata=stamp.to_metadata(),
                **condition,  # type: ignore[arg-type]
            )
        except ClientError as error:
            if _error_code(error) in _CONFLICT_CODES:
                continue
            raise
        return WriteOutcome.WRITTEN
    raise RuntimeError(f"s3://{bucket}/{key} kept changing during {_WRITE_ATTEMPTS} attempts")


def delete_result(s3: S3Client, bucket: str, key: str, removal: SourceStamp) -> DeleteOutcome:
    """Delete the result of a removed source, unless it came from a later upload."""
    for _ in range(_WRITE_ATTEMPTS):
        stored = stored_result(s3, bucket, key)
        if stored is None:
            return DeleteOutcome.ABSENT
        etag, theirs = stored
        if compare(removal, theirs) is not Order.NEWER:
            return DeleteOutcome.NEWER_KEPT
        try:
            s3.delete_object(Bucket=bucket, Key=key, IfMatch=etag)
        except ClientError as error:
            if _error_code(error) in _CONFLICT_CODES:
                continue
            if _error_code(error) in _NOT_FOUND_CODES:
                return DeleteOutcome.ABSENT
            raise
        return DeleteOutcome.DELETED
    raise RuntimeError(f"s3://{bucket}/{key} kept changing during {_WRITE_ATTEMPTS} attempts")
