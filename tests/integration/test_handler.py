"""lambda_handler against in-process moto: object in, JSON record out, for each event kind."""

from __future__ import annotations

import gzip
import warnings
from typing import Any

import pytest

from article_extractor.aws.events import MalformedEventError, UnsupportedEventError
from article_extractor.aws.runtime import runtime
from article_extractor.config import ConfigurationError
from article_extractor.handler import lambda_handler
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import FIXTURES, SAMPLES
from tests.events import (
    S3_TEST_EVENT,
    eventbridge_event,
    s3_event,
    s3_record,
    sqs_event,
    sqs_record,
)
from tests.integration.conftest import INPUT_BUCKET, OUTPUT_BUCKET, Buckets

ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()


def test_s3_notification_writes_the_record_field_by_field(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put(
        "news/2025/quiet morning.html",
        ARTICLE,
        ContentType="text/html; charset=utf-8",
        Metadata={"source-url": "https://skyline-notes.example/posts/quiet-morning?ref=feed"},
    )
    head = buckets.s3.head_object(Bucket=INPUT_BUCKET, Key="news/2025/quiet morning.html")

    response = lambda_handler(
        s3_event(s3_record(INPUT_BUCKET, "news/2025/quiet morning.html")), context
    )

    assert response == {
        "processed": [
            {
                "key": "news/2025/quiet morning.html",
                "status": "ok",
                "output_key": "extracted/news/2025/quiet morning.html.json",
            }
        ]
    }
    document = buckets.result("news/2025/quiet morning.html")
    assert document["schema_version"] == "1.6"
    assert document["status"] == "ok"
    assert "error" not in document
    assert document["source"] == {
        "bucket": INPUT_BUCKET,
        "key": "news/2025/quiet morning.html",
        "version_id": None,
        "etag": head["ETag"].strip('"'),
        "size": len(ARTICLE),
        "content_type": "text/html; charset=utf-8",
        "url": "https://skyline-notes.example/posts/quiet-morning?ref=feed",
        "last_modified": head["LastModified"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    article = document["document"]
    assert article["title"] == "A quiet morning at the observatory"
    assert article["author"] == "Priya Raman"
    assert article["date"] == "2025-11-02"
    assert article["sitename"] == "Skyline Notes"
    assert article["language"] == "en"
    assert article["canonical_url"] == "https://skyline-notes.example/posts/quiet-morning"
    assert article["text"].count("\n") >= 3
    assert "The observatory on Marrow Hill" in article["text"]
    assert article["word_count"] > 150
    extraction = document["extraction"]
    assert extraction["extractor"] == "trafilatura"
    assert extraction["extractor_version"] == "2.3.1"
    assert extraction["input_encoding"] == "utf-8"
    assert extraction["duration_ms"] > 0


@pytest.mark.parametrize(
    "key",
    [
        "with space.html",
        "c++ plus.html",
        "100% done.html",
        "unicodé/日本語 ページ.html",
        "a=b&c.htm",
    ],
)
def test_awkward_keys_round_trip(key: str, buckets: Buckets, context: LocalLambdaContext) -> None:
    buckets.put(key, ARTICLE)
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, key)), context)
    assert buckets.result(key)["source"]["key"] == key


def test_output_prefix_is_configurable(
    buckets: Buckets, context: LocalLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTPUT_PREFIX", "articles/v1/")
    runtime.cache_clear()
    buckets.put("a.html", ARTICLE)
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "a.html")), context)
    assert buckets.output_keys() == ["articles/v1/a.html.json"]


def test_eventbridge_event_is_processed(buckets: Buckets, context: LocalLambdaContext) -> None:
    key = "c++ notes/page.html"
    buckets.put(key, ARTICLE)
    response = lambda_handler(eventbridge_event(INPUT_BUCKET, key), context)
    assert response["processed"][0]["status"] == "ok"
    assert buckets.result(key)["document"]["title"] == "A quiet morning at the observatory"


def test_sqs_batch_reports_only_the_failed_message(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("good.html", ARTICLE)
    good = sqs_record(s3_event(s3_record(INPUT_BUCKET, "good.html")), message_id="good")
    # A bucket that does not exist: a transient-looking S3 error that must be retried.
    bad = sqs_record(s3_event(s3_record("no-such-bucket", "x.html")), message_id="bad")
    test_event = sqs_record(S3_TEST_EVENT, message_id="test-event")

    response = lambda_handler(sqs_event(good, bad, test_event), context)

    assert response == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert buckets.output_keys() == ["extracted/good.html.json"]


def test_sqs_batch_where_every_message_fails_is_reported_not_raised(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    bad = sqs_record(s3_event(s3_record("no-such-bucket", "x.html")), message_id="m1")
    garbage = sqs_record("this is not json", message_id="m2")
    response = lambda_handler(sqs_event(bad, garbage), context)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}


def test_permanent_problems_become_records_not_retries(
    buckets: Buckets, context: LocalLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_INPUT_BYTES", "4096")
    runtime.cache_clear()
    buckets.put("empty.html", b"")
    buckets.put("huge.html", b"<p>" + b"x" * 10_000 + b"</p>")
    buckets.put("broken.html.gz", (SAMPLES / "broken-upload.html.gz").read_bytes())
    buckets.put("picture.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    keys = ["empty.html", "huge.html", "broken.html.gz", "picture.html"]
    event = sqs_event(
        *(sqs_record(s3_event(s3_record(INPUT_BUCKET, k))) for k in [*keys, "deleted.html"])
    )

    response = lambda_handler(event, context)

    assert response == {"batchItemFailures": []}
    outcomes = {key: buckets.result(key) for key in keys}
    # An upload deleted before it was read ends without a result, like every key without one.
    assert "extracted/deleted.html.json" not in buckets.output_keys()
    assert {key: (doc["status"], doc["error"]["code"]) for key, doc in outcomes.items()} == {
        "empty.html": ("empty", "empty_input"),
        "huge.html": ("skipped", "input_too_large"),
        "broken.html.gz": ("failed", "invalid_gzip"),
        "picture.html": ("failed", "not_html"),
    }


def test_gzip_content_encoding_object(buckets: Buckets, context: LocalLambdaContext) -> None:
    buckets.put("zipped.html", gzip.compress(ARTICLE), ContentEncoding="gzip")
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "zipped.html")), context)
    assert buckets.result("zipped.html")["status"] == "ok"


def test_versioned_object_result_is_made_from_the_current_version(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    """An event names the version it is about; the result is made from what the key holds now
    (the newer version's own event will find it current)."""
    buckets.s3.put_bucket_versioning(
        Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )
    first = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=ARTICLE)
    second = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=ARTICLE + b" ")

    lambda_handler(
        s3_event(s3_record(INPUT_BUCKET, "v.html", version_id=first["VersionId"])), context
    )

    document = buckets.result("v.html")
    assert document["source"]["version_id"] == second["VersionId"]
    assert "Marrow Hill" in document["document"]["text"]


def test_an_invocation_with_nothing_to_count_warns_nothing(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # whatever pytest's configuration filters
        response = lambda_handler(sqs_event(sqs_record(S3_TEST_EVENT)), context)
    assert response == {"batchItemFailures": []}
    assert [str(w.message) for w in caught] == []


def test_own_output_is_ignored(buckets: Buckets, context: LocalLambdaContext) -> None:
    own = s3_record(OUTPUT_BUCKET, "extracted/a.html.json")
    response = lambda_handler(s3_event(own), context)
    assert [item["status"] for item in response["processed"]] == ["ignored"]
    assert buckets.output_keys() == []


def test_direct_s3_event_retries_after_trying_every_object(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("fine.html", ARTICLE)
    event = s3_event(s3_record("no-such-bucket", "x.html"), s3_record(INPUT_BUCKET, "fine.html"))
    with pytest.raises(Exception, match="NoSuchBucket"):
        lambda_handler(event, context)
    assert buckets.output_keys() == ["extracted/fine.html.json"]


def test_unknown_event_is_rejected(buckets: Buckets, context: LocalLambdaContext) -> None:
    with pytest.raises(UnsupportedEventError):
        lambda_handler({"hello": "world"}, context)


def test_missing_output_bucket_setting_fails_with_a_clear_message(
    context: LocalLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTPUT_BUCKET", raising=False)
    runtime.cache_clear()
    with pytest.raises(ConfigurationError, match="OUTPUT_BUCKET is required"):
        lambda_handler(s3_event(s3_record(INPUT_BUCKET, "a.html")), context)
    runtime.cache_clear()


def _malformed_bodies() -> dict[str, dict[str, Any]]:
    def broken(edit: Any) -> dict[str, Any]:
        record = s3_record(INPUT_BUCKET, "x.html")
        edit(record)
        return s3_event(record)

    bridge = eventbridge_event(INPUT_BUCKET, "x.html")
    bridge["detail"] = "not an object"
    return {
        "no-s3": broken(lambda r: r.pop("s3")),
        "no-key": broken(lambda r: r["s3"]["object"].pop("key")),
        "no-event-name": broken(lambda r: r.pop("eventName")),
        "int-key": broken(lambda r: r["s3"]["object"].update(key=12)),
        "dict-size": broken(lambda r: r["s3"]["object"].update(size={"n": 1})),
        "string-detail": bridge,
    }


@pytest.mark.parametrize("read_concurrency", ["0", "4"])
def test_malformed_messages_fail_alone_and_good_ones_are_processed(
    buckets: Buckets,
    context: LocalLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    read_concurrency: str,
) -> None:
    monkeypatch.setenv("READ_CONCURRENCY", read_concurrency)
    runtime.cache_clear()
    for name in ("one.html", "two.html"):
        buckets.put(name, ARTICLE)
    malformed = _malformed_bodies()
    records = [
        sqs_record(s3_event(s3_record(INPUT_BUCKET, "one.html")), message_id="good-1"),
        *(sqs_record(body, message_id=name) for name, body in malformed.items()),
        sqs_record(s3_event(s3_record(INPUT_BUCKET, "two.html")), message_id="good-2"),
    ]

    response = lambda_handler(sqs_event(*records), context)

    failed = sorted(item["itemIdentifier"] for item in response["batchItemFailures"])
    assert failed == sorted(malformed)
    assert buckets.output_keys() == ["extracted/one.html.json", "extracted/two.html.json"]


def test_a_malformed_record_of_a_direct_s3_event_fails_after_the_others(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("fine.html", ARTICLE)
    bad = s3_record(INPUT_BUCKET, "x.html")
    del bad["s3"]["object"]["key"]
    with pytest.raises(MalformedEventError):
        lambda_handler(s3_event(bad, s3_record(INPUT_BUCKET, "fine.html")), context)
    assert buckets.output_keys() == ["extracted/fine.html.json"]


def test_disabled_cleaning_rules_setting_keeps_those_lines(
    buckets: Buckets, context: LocalLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (FIXTURES / "clutter" / "paywall.html").read_bytes()
    buckets.put("paywall.html", page)
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "paywall.html")), context)
    cleaned = buckets.result("paywall.html")["extraction"]["cleaning"]
    assert cleaned.get("subscription_teaser")

    monkeypatch.setenv("DISABLED_CLEANING_RULES", "subscription_teaser")
    runtime.cache_clear()
    buckets.put("paywall-2.html", page)
    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "paywall-2.html")), LocalLambdaContext())
    assert "subscription_teaser" not in buckets.result("paywall-2.html")["extraction"]["cleaning"]
