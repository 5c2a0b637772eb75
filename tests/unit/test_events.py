from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes import SQSRecord

from article_extractor.events import (
    EventKind,
    ObjectRef,
    UnsupportedEventError,
    classify_event,
    refs_from_eventbridge_event,
    refs_from_s3_event,
    refs_from_sqs_record,
)
from tests.events import (
    S3_TEST_EVENT,
    eventbridge_event,
    s3_event,
    s3_record,
    sqs_event,
    sqs_record,
)


def test_classifies_each_event_kind() -> None:
    assert classify_event(s3_event(s3_record("in", "a.html"))) is EventKind.S3
    assert classify_event(sqs_event(sqs_record(s3_event(s3_record("in", "a.html"))))) is (
        EventKind.SQS
    )
    assert classify_event(eventbridge_event("in", "a.html")) is EventKind.EVENTBRIDGE
    assert classify_event({"Records": []}) is EventKind.UNKNOWN
    assert classify_event({"hello": "world"}) is EventKind.UNKNOWN


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("news/my+page.html", "news/my page.html"),
        ("c%2B%2B+notes.html", "c++ notes.html"),
        ("caf%C3%A9/%E6%97%A5%E6%9C%AC.html", "café/日本.html"),
        ("100%25+done.html", "100% done.html"),
        ("a%3Db%26c.html", "a=b&c.html"),
    ],
)
def test_s3_notification_keys_are_url_decoded(encoded: str, decoded: str) -> None:
    record = s3_record("in", "placeholder")
    record["s3"]["object"]["key"] = encoded
    [ref] = refs_from_s3_event(s3_event(record))
    assert ref.key == decoded


def test_s3_notification_carries_object_identity() -> None:
    event = s3_event(
        s3_record("in", "a b.html", size=77, etag="abc", version_id="v1", sequencer="00FF")
    )
    assert refs_from_s3_event(event) == [
        ObjectRef(
            bucket="in",
            key="a b.html",
            version_id="v1",
            etag="abc",
            size=77,
            sequencer="00FF",
            event_name="ObjectCreated:Put",
            event_time="2026-11-24T12:00:00.000Z",
        )
    ]


def test_s3_removal_events_are_marked() -> None:
    [ref] = refs_from_s3_event(
        s3_event(s3_record("in", "a.html", event_name="ObjectRemoved:Delete"))
    )
    assert ref.is_removal
    [created] = refs_from_s3_event(s3_event(s3_record("in", "a.html")))
    assert not created.is_removal


def test_sqs_body_with_s3_notification_yields_every_record() -> None:
    body = s3_event(s3_record("in", "one.html"), s3_record("in", "two 2.html"))
    refs = refs_from_sqs_record(SQSRecord(sqs_record(body)))
    assert [ref.key for ref in refs] == ["one.html", "two 2.html"]


def test_sqs_s3_test_event_carries_no_object() -> None:
    assert refs_from_sqs_record(SQSRecord(sqs_record(S3_TEST_EVENT))) == []


def test_sqs_body_with_eventbridge_event_is_accepted() -> None:
    refs = refs_from_sqs_record(SQSRecord(sqs_record(eventbridge_event("in", "x+y.html"))))
    assert [ref.key for ref in refs] == ["x+y.html"]


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"unrelated": true}'])
def test_sqs_body_without_notification_is_rejected(body: str) -> None:
    with pytest.raises(UnsupportedEventError):
        refs_from_sqs_record(SQSRecord(sqs_record(body)))


def test_eventbridge_keys_are_taken_as_stored() -> None:
    [ref] = refs_from_eventbridge_event(eventbridge_event("in", "c++ notes/100%.html", size=9))
    assert (ref.bucket, ref.key, ref.size) == ("in", "c++ notes/100%.html", 9)
    assert ref.etag == "b1946ac92492d2347c6235b4d2611184"
    assert not ref.is_removal


def test_eventbridge_object_deleted_is_a_removal() -> None:
    [ref] = refs_from_eventbridge_event(
        eventbridge_event("in", "a.html", detail_type="Object Deleted")
    )
    assert ref.is_removal


def test_eventbridge_event_without_object_is_rejected() -> None:
    event = eventbridge_event("in", "a.html")
    del event["detail"]["object"]
    with pytest.raises(UnsupportedEventError):
        refs_from_eventbridge_event(event)
