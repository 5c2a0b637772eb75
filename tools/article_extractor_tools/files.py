"""Local files and standard input as inputs: the CLI reads them with the same bound and into
the same `FetchedObject` as the function reads S3 objects."""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.inputs import SOURCE_URL_METADATA_KEY, FetchedObject, ObjectRef, too_large


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


class StreamReader:
    """Reads one input from a binary stream (`extract -`: standard input), with the same bound.

    Example::

        fetched = StreamReader(sys.stdin.buffer).read(ObjectRef(None, "-"), 10 << 20)
    """

    def __init__(self, stream: BinaryIO, source_url: str | None = None) -> None:
        self._stream = stream
        self._metadata = {SOURCE_URL_METADATA_KEY: source_url} if source_url else {}

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        body = self._stream.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise ProcessingError(
                ErrorCode.INPUT_TOO_LARGE, f"the input is over the {max_bytes}-byte limit"
            )
        return FetchedObject(body=body, size=len(body), metadata=dict(self._metadata))
