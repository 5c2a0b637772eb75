"""Logs say what happened to an object, never what the document says."""

from __future__ import annotations

import pytest

from article_extractor.handler import lambda_handler
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import FIXTURES
from tests.events import s3_event, s3_record, sqs_event, sqs_record
from tests.integration.conftest import INPUT_BUCKET, Buckets

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
