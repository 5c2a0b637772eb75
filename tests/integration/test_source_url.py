"""The `source-url` metadata as S3 returns it: ASCII values as written, non-ASCII values RFC
2047-encoded; only absolute http(s) URLs reach the record."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from article_extractor.handler import lambda_handler
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import FIXTURES
from tests.events import s3_event, s3_record
from tests.integration.conftest import INPUT_BUCKET, Buckets

ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()
CANONICAL = "https://skyline-notes.example/posts/quiet-morning"  # the fixture's own URL


def _process(buckets: Buckets, context: LocalLambdaContext, source_url: str) -> dict[str, Any]:
    buckets.put("page.html", ARTICLE, Metadata={"source-url": source_url})
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "page.html")), context)
    return buckets.result("page.html")


def test_non_ascii_source_url_is_decoded_from_rfc_2047(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    url = "https://skyline-notes.example/carnets/matinée-à-l’observatoire"
    # boto3 refuses non-ASCII metadata; S3 hands such a value back RFC 2047-encoded.
    encoded = f"=?UTF-8?B?{base64.b64encode(url.encode()).decode()}?="
    document = _process(buckets, context, encoded)
    assert document["source"]["url"] == url


@pytest.mark.parametrize(
    "source_url", ["javascript:alert(document.cookie)", "data:text/html,hi", "/posts/quiet"]
)
def test_source_url_that_is_no_web_url_is_left_out(
    source_url: str, buckets: Buckets, context: LocalLambdaContext
) -> None:
    document = _process(buckets, context, source_url)
    assert document["source"]["url"] is None
    assert document["document"]["url"] == CANONICAL
