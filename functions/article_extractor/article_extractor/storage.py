"""Reading inputs with a size bound, and writing results. The only module that touches S3.

Both readers return the same `FetchedObject`, so the Lambda (S3) and the CLI (local files) share
every step after the read.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from .errors import ErrorCode, ProcessingError
from .events import ObjectRef
from .keys import is_supported_key, supported_suffixes_text
from .ordering import ResultStamp, SourceStamp
from .urls import absolute_web_url, decode_metadata_value

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SOURCE_URL_METADATA_KEY = "source-url"
JSON_CONTENT_TYPE = "application/json"
NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
DENIED_CODES = frozenset({"AccessDenied", "403", "Forbidden", "AllAccessDisabled"})
# A concurrent writer changed the result between our read and our write: look again.
_CONFLICT_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})
# GetObject on an object in GLACIER, DEEP_ARCHIVE or an Intelligent-Tiering archive tier.
_ARCHIVED_CODES = frozenset({"InvalidObjectState"})


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

    @property
    def identity(self) -> SourceStamp:
        """The object version these bytes came from, as a result's stamp names it."""
        return SourceStamp(
            last_modified=self.last_modified, etag=self.etag, version_id=self.version_id
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
            code = error_code(error)
            if code in NOT_FOUND_CODES:
                raise ProcessingError(
                    ErrorCode.OBJECT_NOT_FOUND, f"s3://{ref.bucket}/{ref.key} no longer exists"
                ) from None
            if code in DENIED_CODES:
                # Retrying does not grant a permission: record it, the upload is not lost.
                raise ProcessingError(
                    ErrorCode.ACCESS_DENIED, f"reading s3://{ref.bucket}/{ref.key} was denied"
                ) from None
            if code in _ARCHIVED_CODES:
                # Permanent until the object is restored; the restore's event processes it then.
                raise ProcessingError(
                    ErrorCode.OBJECT_ARCHIVED,
                    f"s3://{ref.bucket}/{ref.key} is in an archive storage class: restore it to "
                    "have it processed",
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
            etag=strip_etag(response.get("ETag")),
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


def error_code(error: ClientError) -> str:
    """The service's error code of a botocore ClientError ("NoSuchKey", "412", ...)."""
    return str(error.response.get("Error", {}).get("Code", ""))


@dataclass(frozen=True)
class StoredResult:
    """A result as stored: its own ETag (for conditional writes) and its stamp."""

    etag: str
    stamp: ResultStamp


def stored_result(s3: S3Client, bucket: str, key: str) -> StoredResult | None:
    """ETag and stamp of the stored result, or None when there is none."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error_code(error) in NOT_FOUND_CODES:
            return None
        raise
    return StoredResult(head["ETag"], ResultStamp.from_metadata(head.get("Metadata", {})))


def current_source(s3: S3Client, bucket: str, key: str) -> SourceStamp | None:
    """Identity of the key's current object (HEAD), or None when the key has none (absent, or
    a delete marker on top)."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error_code(error) in NOT_FOUND_CODES:
            return None
        raise
    return SourceStamp(
        last_modified=head.get("LastModified"),
        etag=strip_etag(head.get("ETag")),
        version_id=head.get("VersionId") or None,
    )


def put_result(
    s3: S3Client, bucket: str, key: str, body: bytes, stamp: ResultStamp, replacing: str | None
) -> bool:
    """Write a result only if the stored one is still the one read (`replacing`: its ETag; None:
    there was none). False when another writer changed it in between (S3 answers 412 or 409).

    `If-Match` / `If-None-Match: *` make the check and the write one step: of two writers that
    read the same stored result, one wins and the other is told to look again.
    """
    condition = {"IfMatch": replacing} if replacing else {"IfNoneMatch": "*"}
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
        if error_code(error) in _CONFLICT_CODES:
            return False
        raise
    return True


def delete_stored_result(s3: S3Client, bucket: str, key: str, etag: str) -> bool:
    """Delete the result if it is still the one with `etag`; False when another writer changed
    it in between. A result already gone counts as deleted."""
    try:
        s3.delete_object(Bucket=bucket, Key=key, IfMatch=etag)
    except ClientError as error:
        if error_code(error) in _CONFLICT_CODES:
            return False
        if error_code(error) in NOT_FOUND_CODES:
            return True
        raise
    return True


def strip_etag(etag: str | None) -> str | None:
    """An ETag as S3 headers quote it (`"9b2c..."`) -> the bare value, or None."""
    return (etag or "").strip('"') or None
