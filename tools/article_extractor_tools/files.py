"""Local files as inputs: the CLI reads them with the same bound and into the same
`FetchedObject` as the function reads S3 objects."""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from pathlib import Path

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
