"""In-process moto: real boto3 clients, the real handler, buckets created per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from article_extractor.aws.runtime import runtime
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import assert_valid_output

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

INPUT_BUCKET = "article-input"
OUTPUT_BUCKET = "article-output"


@dataclass
class Buckets:
    s3: S3Client

    def put(self, key: str, body: bytes, **extra: Any) -> None:
        self.s3.put_object(Bucket=INPUT_BUCKET, Key=key, Body=body, **extra)

    def result(self, source_key: str, prefix: str = "extracted/") -> dict[str, Any]:
        response = self.s3.get_object(Bucket=OUTPUT_BUCKET, Key=f"{prefix}{source_key}.json")
        assert response["ContentType"] == "application/json"
        document: dict[str, Any] = json.loads(response["Body"].read().decode("utf-8"))
        assert_valid_output(document)
        return document

    def output_keys(self) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=OUTPUT_BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def buckets(monkeypatch: pytest.MonkeyPatch) -> Iterator[Buckets]:
    monkeypatch.setenv("OUTPUT_BUCKET", OUTPUT_BUCKET)
    monkeypatch.delenv("OUTPUT_PREFIX", raising=False)
    monkeypatch.delenv("MAX_INPUT_BYTES", raising=False)
    runtime.cache_clear()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=INPUT_BUCKET)
        s3.create_bucket(Bucket=OUTPUT_BUCKET)
        yield Buckets(s3)
    runtime.cache_clear()


@pytest.fixture
def context() -> LocalLambdaContext:
    return LocalLambdaContext()
