"""Lambda event payloads -> `ObjectRef`s with decoded keys.

Kinds accepted (told apart by `classify_event`):

- S3 event notifications (`Records[].eventSource == "aws:s3"`); keys are URL-encoded
  (`+` for space, `%2B` for plus) and are decoded with `unquote_plus`;
- SQS messages whose body is an S3 notification (or an EventBridge event); `s3:TestEvent`
  bodies carry no object and are acknowledged;
- EventBridge "Object Created" events from S3; their keys arrive as stored, not URL-encoded;
- S3 Batch Operations invocations (schema 1.0 and 2.0): one object per task, keys URL-encoded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3BatchOperationEvent, S3Event, SQSRecord


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
    for record in S3Event(dict(event)).records:
        s3_object = record.s3.get_object
        refs.append(
            ObjectRef(
                bucket=record.s3.bucket.name,
                key=unquote_plus(s3_object.key),
                version_id=s3_object.version_id or None,
                etag=s3_object.etag or None,
                size=s3_object.get("size"),
                sequencer=s3_object.get("sequencer"),
                event_name=record.event_name,
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


def refs_from_sqs_record(record: SQSRecord) -> list[ObjectRef]:
    """Object references carried by one SQS message body; [] for an `s3:TestEvent`."""
    try:
        body = json.loads(record.body)
    except (TypeError, ValueError) as error:
        raise UnsupportedEventError(f"SQS message {record.message_id} body is not JSON") from error
    if not isinstance(body, Mapping):
        raise UnsupportedEventError(f"SQS message {record.message_id} body is not an object")
    if body.get("Event") == "s3:TestEvent":
        return []
    kind = classify_event(body)
    if kind is EventKind.S3:
        return refs_from_s3_event(body)
    if kind is EventKind.EVENTBRIDGE:
        return refs_from_eventbridge_event(body)
    raise UnsupportedEventError(f"SQS message {record.message_id} holds no S3 notification")


def refs_from_batch_operations_event(event: Mapping[str, Any]) -> list[tuple[str, ObjectRef]]:
    """(task id, object) for each task of an S3 Batch Operations invocation (keys decoded)."""
    batch = S3BatchOperationEvent(dict(event))
    return [
        (
            task.task_id,
            ObjectRef(
                bucket=task.s3_bucket,
                key=task.s3_key,
                version_id=task.s3_version_id or None,
                event_name="ObjectCreated:BatchOperations",
            ),
        )
        for task in batch.tasks
    ]
