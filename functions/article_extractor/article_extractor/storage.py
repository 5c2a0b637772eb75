"""Reading inputs with a size bound, and writing results. The only module that touches S3.

Both readers return the same `FetchedObject`, so the Lambda (S3) and the CLI (local files) share
every step after the read.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from .errors import ErrorCode, ProcessingError
from .events import ObjectRef

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SOURCE_URL_METADATA_KEY = "source-url"
JSON_CONTENT_TYPE = "application/json"
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})


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

    @property
    def source_url(self) -> str | None:
        return self.metadata.get(SOURCE_URL_METADATA_KEY) or None


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
        return FetchedObject(
            body=body,
            size=size,
            content_type=content_type,
            content_encoding=content_encoding,
            metadata=dict(self._metadata),
        )


def write_json(s3: S3Client, bucket: str, key: str, body: bytes) -> None:
    """Store one result document as UTF-8 JSON."""
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=JSON_CONTENT_TYPE)
