"""Lambda event payloads -> `ObjectRef`s with decoded keys.

Kinds accepted (told apart by `classify_event`):

- S3 event notifications (`Records[].eventSource == "aws:s3"`); keys are URL-encoded
  (`+` for space, `%2B` for plus) and are decoded with `unquote_plus`;
- SQS messages whose body is an S3 notification (or an EventBridge event); `s3:TestEvent`
  bodies carry no object and are acknowledged;
- EventBridge "Object Created" events from S3; their keys arrive as stored, not URL-encoded;
- S3 Batch Operations invocations (schema 1.0 and 2.0): one object per task, keys URL-encoded.

Payloads are read as plain dicts, in the shapes Powertools' data classes document: importing
`aws_lambda_powertools.utilities.data_classes` loads every event class (~70 ms at cold start)
for the few fields read here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import unquote_plus


class EventKind(StrEnum):
    S3 = "s3"
    SQS = "sqs"
    EVENTBRIDGE = "eventbridge"
    BATCH_OPERATIONS = "batch_operations"
    UNKNOWN = "unknown"


class UnsupportedEventError(ValueError):
    """A payload this function does not know: raised, so it is retried, then dead-lettered."""


@dataclass(frozen=True)
class ObjectRef:
    """One S3 object to process, as named by an event (key already decoded)."""

    bucket: str | None  # None for local files (the CLI)
    key: str
    version_id: str | None = None
    etag: str | None = None
    size: int | None = None
    sequencer: str | None = None
    event_name: str | None = None
    event_time: str | None = None

    @property
    def is_removal(self) -> bool:
        return bool(self.event_name) and "ObjectRemoved" in str(self.event_name)


def classify_event(event: Mapping[str, Any]) -> EventKind:
    records = event.get("Records")
    if isinstance(records, list) and records:
        source = records[0].get("eventSource") if isinstance(records[0], Mapping) else None
        if source == "aws:s3":
            return EventKind.S3
        if source == "aws:sqs":
            return EventKind.SQS
    if event.get("source") == "aws.s3" and "detail" in event:
        return EventKind.EVENTBRIDGE
    if "invocationSchemaVersion" in event and isinstance(event.get("tasks"), list):
        return EventKind.BATCH_OPERATIONS
    return EventKind.UNKNOWN


def refs_from_s3_event(event: Mapping[str, Any]) -> list[ObjectRef]:
    """Object references of an S3 notification (`{"Records": [...]}`), keys decoded."""
    refs = []
    for record in event["Records"]:
        s3_object = record["s3"]["object"]
        refs.append(
            ObjectRef(
                bucket=record["s3"]["bucket"]["name"],
                key=unquote_plus(s3_object["key"]),
                version_id=s3_object.get("versionId") or None,
                etag=s3_object.get("eTag") or None,
                size=s3_object.get("size"),
                sequencer=s3_object.get("sequencer"),
                event_name=record["eventName"],
                event_time=record.get("eventTime"),
            )
        )
    return refs


def refs_from_eventbridge_event(event: Mapping[str, Any]) -> list[ObjectRef]:
    """Object reference of an EventBridge event from S3 (keys are not URL-encoded there)."""
    detail = event.get("detail") or {}
    bucket = (detail.get("bucket") or {}).get("name")
    s3_object = detail.get("object") or {}
    key = s3_object.get("key")
    if not bucket or key is None:
        raise UnsupportedEventError("EventBridge event without detail.bucket.name/object.key")
    detail_type = str(event.get("detail-type", ""))
    return [
        ObjectRef(
            bucket=bucket,
            key=key,
            version_id=s3_object.get("version-id") or None,
            etag=s3_object.get("etag") or s3_object.get("eTag") or None,
            size=s3_object.get("size"),
            sequencer=s3_object.get("sequencer"),
            event_name="ObjectRemoved" if detail_type == "Object Deleted" else "ObjectCreated",
            event_time=event.get("time"),
        )
    ]


def refs_from_sqs_record(record: Mapping[str, Any]) -> list[ObjectRef]:
    """Object references carried by one SQS message body (a Lambda SQS record, as a dict or
    Powertools' `SQSRecord`); [] for an `s3:TestEvent`."""
    message_id = record["messageId"]
    try:
        body = json.loads(record["body"])
    except (TypeError, ValueError) as error:
        raise UnsupportedEventError(f"SQS message {message_id} body is not JSON") from error
    if not isinstance(body, Mapping):
        raise UnsupportedEventError(f"SQS message {message_id} body is not an object")
    if body.get("Event") == "s3:TestEvent":
        return []
    kind = classify_event(body)
    if kind is EventKind.S3:
        return refs_from_s3_event(body)
    if kind is EventKind.EVENTBRIDGE:
        return refs_from_eventbridge_event(body)
    raise UnsupportedEventError(f"SQS message {message_id} holds no S3 notification")


def refs_from_batch_operations_event(event: Mapping[str, Any]) -> list[tuple[str, ObjectRef]]:
    """(task id, object) for each task of an S3 Batch Operations invocation (keys decoded).

    Schema 1.0 names the bucket by ARN (`s3BucketArn`), schema 2.0 by name (`s3Bucket`).
    """
    refs = []
    for task in event["tasks"]:
        bucket_arn = task.get("s3BucketArn")
        bucket = bucket_arn.split(":::")[-1] if bucket_arn else task["s3Bucket"]
        ref = ObjectRef(
            bucket=bucket,
            key=unquote_plus(task["s3Key"]),
            version_id=task.get("s3VersionId") or None,
            event_name="ObjectCreated:BatchOperations",
        )
        refs.append((task["taskId"], ref))
    return refs
