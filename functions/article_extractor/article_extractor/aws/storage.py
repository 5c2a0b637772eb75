"""The function's S3 calls: reading an input with a size bound (`S3ObjectReader`, which returns
the same `FetchedObject` as the tools' local-file reader), and reading, writing and deleting
results conditionally."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from article_extractor.aws.result_stamps import ResultStamp, SourceStamp
from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.inputs import FetchedObject, ObjectRef, too_large

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

JSON_CONTENT_TYPE = "application/json"
NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
DENIED_CODES = frozenset({"AccessDenied", "403", "Forbidden", "AllAccessDisabled"})
# A concurrent writer changed the result between our read and our write: look again.
_CONFLICT_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})
# GetObject on an object in GLACIER, DEEP_ARCHIVE or an Intelligent-Tiering archive tier.
_ARCHIVED_CODES = frozenset({"InvalidObjectState"})


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
