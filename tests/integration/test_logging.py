"""Logs say what happened to an object, never what the document says."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from article_extractor import handler
from article_extractor.handler import lambda_handler
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import FIXTURES
from tests.events import s3_event, s3_record, sqs_event, sqs_record
from tests.integration.conftest import INPUT_BUCKET, OUTPUT_BUCKET, Buckets

SECRET_SENTENCE = "The observatory on Marrow Hill"


def test_document_text_is_never_logged(
    buckets: Buckets,
    context: LocalLambdaContext,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    buckets.put("page.html", (FIXTURES / "minimal-article.html").read_bytes())
    event = sqs_event(sqs_record(s3_event(s3_record(INPUT_BUCKET, "page.html"))))
    assert lambda_handler(event, context) == {"batchItemFailures": []}
    captured = capsys.readouterr()
    everything = captured.out + captured.err + caplog.text
    assert "object processed" in everything  # the logs are there...
    assert SECRET_SENTENCE not in everything  # ...the text is not


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[dict[str, Any]]]:
    """The function's JSON log lines written from now on (its handler's stream, swapped)."""
    stream = io.StringIO()
    monkeypatch.setattr(handler.logger.registered_handler, "stream", stream)
    return lambda: [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_failed_sqs_message_is_logged_with_its_key(
    buckets: Buckets,
    context: LocalLambdaContext,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    """What a dead-lettered upload leaves to find it by: its key and why, in the log group."""
    buckets.put("page.html", (FIXTURES / "minimal-article.html").read_bytes())
    buckets.s3.delete_bucket(Bucket=OUTPUT_BUCKET)  # the write fails: the message is retried
    record = sqs_record(s3_event(s3_record(INPUT_BUCKET, "page.html")))
    response = lambda_handler(sqs_event(record), context)
    assert response == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    [line] = [line for line in log_lines() if line["message"].startswith("message failed")]
    assert line["level"] == "ERROR"
    assert line["correlation_id"] == "page.html"
    assert line["message_id"] == record["messageId"]
    assert "NoSuchBucket" in line["exception"]


def test_a_malformed_sqs_message_is_logged_with_its_message_id(
    buckets: Buckets,
    context: LocalLambdaContext,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    record = sqs_record({"not": "a notification"})
    assert lambda_handler(sqs_event(record), context) == {
        "batchItemFailures": [{"itemIdentifier": record["messageId"]}]
    }
    [line] = [line for line in log_lines() if line["message"].startswith("message failed")]
    assert line["message_id"] == record["messageId"]
    assert "holds no S3 notification" in line["exception"]
