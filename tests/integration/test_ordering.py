"""At-least-once, unordered delivery: redelivery is harmless, an older event never overwrites a
newer result, racing writers settle on the newest, removals delete only what they should."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from article_extractor.handler import lambda_handler, runtime
from article_extractor.local import LocalLambdaContext
from article_extractor.ordering import SourceStamp
from article_extractor.storage import DeleteOutcome, WriteOutcome, delete_result, write_result
from tests.conftest import FIXTURES
from tests.events import s3_event, s3_record, sqs_event, sqs_record
from tests.integration.conftest import INPUT_BUCKET, OUTPUT_BUCKET, Buckets

ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()
OTHER = ARTICLE.replace(b"Marrow Hill", b"Juniper Ridge")
T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def raw_result(buckets: Buckets, key: str) -> dict[str, Any]:
    body = buckets.s3.get_object(Bucket=OUTPUT_BUCKET, Key=f"extracted/{key}.json")["Body"]
    document: dict[str, Any] = json.loads(body.read())
    return document


def test_redelivered_event_leaves_the_same_result(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("a.html", ARTICLE)
    event = sqs_event(sqs_record(s3_event(s3_record(INPUT_BUCKET, "a.html"))))
    assert lambda_handler(event, context) == {"batchItemFailures": []}
    first = raw_result(buckets, "a.html")
    assert lambda_handler(event, LocalLambdaContext()) == {"batchItemFailures": []}
    assert raw_result(buckets, "a.html") == first  # not rewritten: same processed_at


def test_older_version_event_does_not_overwrite_the_newer_result(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.s3.put_bucket_versioning(
        Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )
    old = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=ARTICLE)["VersionId"]
    new = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=OTHER)["VersionId"]
    newer = s3_record(INPUT_BUCKET, "v.html", version_id=new, sequencer="00AA00000000000002")
    older = s3_record(INPUT_BUCKET, "v.html", version_id=old, sequencer="00AA00000000000001")

    lambda_handler(s3_event(newer), context)
    lambda_handler(s3_event(older), LocalLambdaContext())  # delivered late

    result = raw_result(buckets, "v.html")
    assert result["source"]["version_id"] == new
    assert "Juniper Ridge" in result["document"]["text"]


def stamp(minutes: int, etag: str) -> SourceStamp:
    return SourceStamp(last_modified=T0 + timedelta(minutes=minutes), etag=etag)


def test_write_result_keeps_newest_and_skips_same(buckets: Buckets) -> None:
    s3 = buckets.s3
    assert write_result(s3, OUTPUT_BUCKET, "k.json", b"v2", stamp(2, "e2")) is WriteOutcome.WRITTEN
    assert write_result(s3, OUTPUT_BUCKET, "k.json", b"v1", stamp(1, "e1")) is WriteOutcome.STALE
    assert write_result(s3, OUTPUT_BUCKET, "k.json", b"v2", stamp(2, "e2")) is (
        WriteOutcome.UNCHANGED
    )
    assert write_result(s3, OUTPUT_BUCKET, "k.json", b"v3", stamp(3, "e3")) is WriteOutcome.WRITTEN
    assert s3.get_object(Bucket=OUTPUT_BUCKET, Key="k.json")["Body"].read() == b"v3"


@pytest.mark.parametrize("interloper_minutes", [1, 5])
def test_racing_writers_settle_on_the_newest(buckets: Buckets, interloper_minutes: int) -> None:
    """Writer A reads (nothing stored), then B writes before A's conditional put: A's put must
    fail its precondition, A must look again, and the newer of the two must win."""
    a = boto3.client("s3", region_name="us-east-1")
    b = boto3.client("s3", region_name="us-east-1")
    raced = []

    def interleave(**kwargs: Any) -> None:
        if not raced:
            raced.append(True)
            write_result(b, OUTPUT_BUCKET, "race.json", b"B", stamp(interloper_minutes, "eB"))

    a.meta.events.register("before-call.s3.PutObject", interleave)
    outcome = write_result(a, OUTPUT_BUCKET, "race.json", b"A", stamp(3, "eA"))

    stored = buckets.s3.get_object(Bucket=OUTPUT_BUCKET, Key="race.json")["Body"].read()
    if interloper_minutes > 3:  # B is newer: A backs off
        assert (outcome, stored) == (WriteOutcome.STALE, b"B")
    else:  # A is newer: A retries with If-Match on B's result and wins
        assert (outcome, stored) == (WriteOutcome.WRITTEN, b"A")
    assert raced == [True]


def test_removal_deletes_the_result(buckets: Buckets, context: LocalLambdaContext) -> None:
    buckets.put("gone.html", ARTICLE)
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "gone.html")), context)
    assert buckets.output_keys() == ["extracted/gone.html.json"]
    later = s3_record(INPUT_BUCKET, "gone.html", event_name="ObjectRemoved:Delete")
    later["eventTime"] = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    response = lambda_handler(s3_event(later), LocalLambdaContext())
    assert response["processed"][0]["status"] == "removed:deleted"
    assert buckets.output_keys() == []


def test_removal_older_than_the_result_keeps_it(buckets: Buckets) -> None:
    s3 = buckets.s3
    write_result(s3, OUTPUT_BUCKET, "k.json", b"v2", stamp(10, "e2"))
    assert delete_result(s3, OUTPUT_BUCKET, "k.json", stamp(5, "")) is DeleteOutcome.NEWER_KEPT
    assert delete_result(s3, OUTPUT_BUCKET, "k.json", stamp(11, "")) is DeleteOutcome.DELETED
    assert delete_result(s3, OUTPUT_BUCKET, "k.json", stamp(12, "")) is DeleteOutcome.ABSENT


def test_removals_can_be_switched_off(
    buckets: Buckets, context: LocalLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DELETE_ON_REMOVE", "false")
    runtime.cache_clear()
    buckets.put("keep.html", ARTICLE)
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "keep.html")), context)
    removal = s3_record(INPUT_BUCKET, "keep.html", event_name="ObjectRemoved:Delete")
    assert (
        lambda_handler(s3_event(removal), LocalLambdaContext())["processed"][0]["status"]
        == "ignored"
    )
    assert buckets.output_keys() == ["extracted/keep.html.json"]


def test_slow_page_becomes_a_timeout_record(buckets: Buckets) -> None:
    words = b"word " * 600_000  # about 3 MB in one paragraph: seconds of parsing
    buckets.put("slow.html", b"<html><body><article><p>" + words + b"</p></article></body></html>")
    context = LocalLambdaContext(timeout_seconds=5.3)  # 0.3 s left after the write reserve
    response = lambda_handler(
        sqs_event(sqs_record(s3_event(s3_record(INPUT_BUCKET, "slow.html")))), context
    )
    assert response == {"batchItemFailures": []}
    result = raw_result(buckets, "slow.html")
    assert (result["status"], result["error"]["code"]) == ("failed", "timeout")


def test_no_time_left_leaves_the_message_for_retry(buckets: Buckets) -> None:
    buckets.put("late.html", ARTICLE)
    record = sqs_record(s3_event(s3_record(INPUT_BUCKET, "late.html")), message_id="late")
    response = lambda_handler(sqs_event(record), LocalLambdaContext(timeout_seconds=2))
    assert response == {"batchItemFailures": [{"itemIdentifier": "late"}]}
    assert buckets.output_keys() == []
