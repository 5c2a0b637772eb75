from __future__ import annotations

import copy
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import SQSRecord
from hypothesis import given, settings
from hypothesis import strategies as st

from article_extractor.aws.events import (
    EventKind,
    MalformedEventError,
    UnsupportedEventError,
    batch_user_flag,
    classify_event,
    ref_from_s3_record,
    refs_from_eventbridge_event,
    refs_from_s3_event,
    refs_from_sqs_record,
    tasks_from_batch_operations_event,
)
from article_extractor.inputs import Change, ObjectRef
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


def _without(record: dict[str, Any], *path: str) -> dict[str, Any]:
    record = copy.deepcopy(record)
    target = record
    for name in path[:-1]:
        target = target[name]
    del target[path[-1]]
    return record


def _with(record: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    record = copy.deepcopy(record)
    target = record
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value
    return record


GOOD = s3_record("in", "a.html")
MALFORMED_S3_RECORDS = {
    "no s3": _without(GOOD, "s3"),
    "no object": _without(GOOD, "s3", "object"),
    "no key": _without(GOOD, "s3", "object", "key"),
    "no bucket name": _without(GOOD, "s3", "bucket", "name"),
    "no eventName": _without(GOOD, "eventName"),
    "integer key": _with(GOOD, 7, "s3", "object", "key"),
    "dict size": _with(GOOD, {"bytes": 1}, "s3", "object", "size"),
    "list versionId": _with(GOOD, ["v"], "s3", "object", "versionId"),
    "string s3": _with(GOOD, "s3", "s3"),
    "null object": _with(GOOD, None, "s3", "object"),
}


@pytest.mark.parametrize("record", MALFORMED_S3_RECORDS.values(), ids=MALFORMED_S3_RECORDS.keys())
def test_malformed_s3_record_raises_a_malformed_event_error(record: dict[str, Any]) -> None:
    with pytest.raises(MalformedEventError):
        ref_from_s3_record(record)
    with pytest.raises(MalformedEventError):
        refs_from_sqs_record(sqs_record(s3_event(record)))


@pytest.mark.parametrize(
    "detail", ["a string", None, {"bucket": "in", "object": {"key": "a.html"}}, {"object": {}}]
)
def test_malformed_eventbridge_detail_raises_a_malformed_event_error(detail: Any) -> None:
    event = eventbridge_event("in", "a.html")
    event["detail"] = detail
    with pytest.raises(MalformedEventError):
        refs_from_sqs_record(sqs_record(event))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
FIELD_PATHS = [
    ("s3",),
    ("s3", "object"),
    ("s3", "object", "key"),
    ("s3", "object", "size"),
    ("s3", "object", "eTag"),
    ("s3", "object", "versionId"),
    ("s3", "object", "sequencer"),
    ("s3", "bucket"),
    ("s3", "bucket", "name"),
    ("eventName",),
    ("eventTime",),
]


@settings(max_examples=300, deadline=None)
@given(changes=st.lists(st.tuples(st.sampled_from(FIELD_PATHS), JSON_VALUES), max_size=3))
def test_any_record_parses_to_a_hashable_ref_or_a_malformed_event_error(
    changes: list[tuple[tuple[str, ...], Any]],
) -> None:
    """Whatever a field holds, parsing one record either gives a usable ObjectRef or raises
    MalformedEventError: never KeyError, TypeError or AttributeError."""
    record: Any = copy.deepcopy(GOOD)
    for path, value in changes:
        target = record
        for name in path[:-1]:
            if not isinstance(target, dict) or not isinstance(target.get(name), dict):
                break
            target = target[name]
        else:
            target[path[-1]] = value
    try:
        ref = ref_from_s3_record(record)
    except MalformedEventError:
        return
    hash(ref)
    assert isinstance(ref.key, str) and isinstance(ref.bucket, str)
    assert ref.size is None or isinstance(ref.size, int)


@pytest.mark.parametrize(
    ("event_name", "change"),
    [
        ("ObjectCreated:Put", Change.CREATED),
        ("ObjectCreated:CompleteMultipartUpload", Change.CREATED),
        ("ObjectRemoved:Delete", Change.REMOVED),
        ("ObjectRemoved:DeleteMarkerCreated", Change.REMOVED),
        ("LifecycleExpiration:Delete", Change.REMOVED),
        ("LifecycleExpiration:DeleteMarkerCreated", Change.REMOVED),
        ("ObjectRestore:Completed", Change.RESTORED),
        ("ObjectRestore:Post", Change.OTHER),
        ("ObjectRestore:Delete", Change.OTHER),
        ("ObjectAcl:Put", Change.OTHER),
        ("ObjectTagging:Put", Change.OTHER),
        ("LifecycleTransition", Change.OTHER),
        ("Replication:OperationFailedReplication", Change.OTHER),
    ],
)
def test_event_names_say_what_changed(event_name: str, change: Change) -> None:
    [ref] = refs_from_s3_event(s3_event(s3_record("in", "a.html", event_name=event_name)))
    assert ref.change is change
    # Sequencers order PUTs and DELETEs only.
    assert (ref.sequencer is not None) == (change in (Change.CREATED, Change.REMOVED))


@pytest.mark.parametrize(
    ("detail_type", "change"),
    [
        ("Object Created", Change.CREATED),
        ("Object Deleted", Change.REMOVED),
        ("Object Restore Completed", Change.RESTORED),
        ("Object Restore Initiated", Change.OTHER),
        ("Object Restore Expired", Change.OTHER),
        ("Object ACL Updated", Change.OTHER),
        ("Object Tags Added", Change.OTHER),
        ("Object Storage Class Changed", Change.OTHER),
        ("Object Access Tier Changed", Change.OTHER),
    ],
)
def test_eventbridge_detail_types_say_what_changed(detail_type: str, change: Change) -> None:
    [ref] = refs_from_eventbridge_event(eventbridge_event("in", "a.html", detail_type=detail_type))
    assert ref.change is change


def test_batch_tasks_are_parsed_one_by_one() -> None:
    event = {
        "invocationSchemaVersion": "2.0",
        "invocationId": "id",
        "job": {"id": "j", "userArguments": {"reprocess": "TRUE"}},
        "tasks": [
            {"taskId": "ok", "s3Bucket": "in", "s3Key": "a+b.html", "s3VersionId": None},
            {"taskId": "bad", "s3Bucket": "in"},
            42,
        ],
    }
    tasks = tasks_from_batch_operations_event(event)
    assert [(t.task_id, t.ref is not None) for t in tasks] == [
        ("ok", True),
        ("bad", False),
        ("task-2", False),
    ]
    assert tasks[0].ref == ObjectRef("in", "a b.html")
    assert tasks[1].problem and "s3Key" in tasks[1].problem
    assert batch_user_flag(event, "reprocess")
    assert not batch_user_flag({"job": {"userArguments": {"reprocess": 1}}}, "reprocess")
    assert not batch_user_flag({"invocationSchemaVersion": "1.0"}, "reprocess")
