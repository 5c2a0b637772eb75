"""Lambda event payloads -> `ObjectRef`s with decoded keys.

Kinds accepted (told apart by `classify_event`):

- S3 event notifications (`Records[].eventSource == "aws:s3"`); keys are URL-encoded
  (`+` for space, `%2B` for plus) and are decoded with `unquote_plus`;
- SQS messages whose body is an S3 notification (or an EventBridge event); `s3:TestEvent`
  bodies carry no object and are acknowledged;
- EventBridge events from S3; their keys arrive as stored, not URL-encoded;
- S3 Batch Operations invocations (schema 1.0 and 2.0): one object per task, keys URL-encoded.

Every field read is checked for presence and type: a payload of the wrong shape raises
`MalformedEventError` for that record (or message, or task) alone, never a `KeyError` or
`TypeError` that would fail the records around it.

Payloads are read as plain dicts, in the shapes Powertools' data classes document: importing
`aws_lambda_powertools.utilities.data_classes` loads every event class (80 ms here), and those
classes check no field's type, which is what stops a malformed record here. On the SQS path
Powertools' batch utility has loaded them already: there the handler reads each message's id
and body through its `SQSRecord`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import unquote_plus

from article_extractor.inputs import Change, ObjectRef


class EventKind(StrEnum):
    S3 = "s3"
    SQS = "sqs"
    EVENTBRIDGE = "eventbridge"
    BATCH_OPERATIONS = "batch_operations"
    UNKNOWN = "unknown"


class UnsupportedEventError(ValueError):
    """A payload this function does not know: raised, so it is retried, then dead-lettered."""


class MalformedEventError(UnsupportedEventError):
    """A record of a known kind with a missing field or a field of the wrong type."""


# EventBridge detail-types of S3 events that change what the key holds.
_EVENTBRIDGE_EVENT_NAMES = {
    "Object Created": "ObjectCreated:",
    "Object Deleted": "ObjectRemoved:",
    "Object Restore Completed": "ObjectRestore:Completed",
}
_HEX = re.compile(r"[0-9A-Fa-f]+")
# The S3 Batch Operations job argument (UserArguments) that asks for re-processing.
REPROCESS_ARGUMENT = "reprocess"


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


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedEventError(f"{where} is not an object")
    return value


def _text(container: Mapping[str, Any], name: str, where: str) -> str:
    """A required, non-empty string field."""
    value = container.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedEventError(f"{where}.{name} is missing or not a non-empty string")
    return value


def _optional_text(container: Mapping[str, Any], name: str, where: str) -> str | None:
    value = container.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedEventError(f"{where}.{name} is not a string")
    return value


def _optional_size(container: Mapping[str, Any], name: str, where: str) -> int | None:
    value = container.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedEventError(f"{where}.{name} is not a whole number of bytes")
    return value


def _sequencer(container: Mapping[str, Any], where: str) -> str | None:
    value = _optional_text(container, "sequencer", where)
    # S3 documents a hexadecimal string; anything else cannot be ordered, so it is not used.
    return value if value is not None and _HEX.fullmatch(value) else None


def ref_from_s3_record(record: object) -> ObjectRef:
    """The object of one S3 notification record, key decoded; MalformedEventError when a field
    is missing or of the wrong type."""
    record = _mapping(record, "record")
    s3 = _mapping(record.get("s3"), "record.s3")
    s3_object = _mapping(s3.get("object"), "s3.object")
    bucket = _mapping(s3.get("bucket"), "s3.bucket")
    return _ordered(
        ObjectRef(
            bucket=_text(bucket, "name", "s3.bucket"),
            key=unquote_plus(_text(s3_object, "key", "s3.object")),
            version_id=_optional_text(s3_object, "versionId", "s3.object"),
            etag=_optional_text(s3_object, "eTag", "s3.object"),
            size=_optional_size(s3_object, "size", "s3.object"),
            sequencer=_sequencer(s3_object, "s3.object"),
            event_name=_text(record, "eventName", "record"),
            event_time=_optional_text(record, "eventTime", "record"),
        )
    )


def _ordered(ref: ObjectRef) -> ObjectRef:
    """S3 documents sequencers as ordering the PUTs and DELETEs of a key; on any other event
    (a restore, say) a sequencer is not compared with theirs."""
    if ref.change in (Change.CREATED, Change.REMOVED):
        return ref
    return replace(ref, sequencer=None)


def refs_from_s3_event(event: Mapping[str, Any]) -> list[ObjectRef]:
    """Object references of an S3 notification (`{"Records": [...]}`), keys decoded; the first
    malformed record raises (see `ref_from_s3_record` to parse records one by one)."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise MalformedEventError("S3 notification without a Records list")
    return [ref_from_s3_record(record) for record in records]


def refs_from_eventbridge_event(event: Mapping[str, Any]) -> list[ObjectRef]:
    """Object reference of an EventBridge event from S3 (keys are not URL-encoded there).

    "Object Created", "Object Deleted" and "Object Restore Completed" name a change of the key;
    other detail-types (ACL, tags, storage class, restore initiated or expired) are kept with
    `Change.OTHER`, which the handler acknowledges without processing.
    """
    detail = _mapping(event.get("detail"), "detail")
    bucket = _mapping(detail.get("bucket"), "detail.bucket")
    s3_object = _mapping(detail.get("object"), "detail.object")
    detail_type = event.get("detail-type")
    if not isinstance(detail_type, str):
        raise MalformedEventError("detail-type is missing or not a string")
    prefix = _EVENTBRIDGE_EVENT_NAMES.get(detail_type)
    reason = detail.get("reason")
    event_name = (
        f"{prefix}{reason if isinstance(reason, str) and prefix.endswith(':') else ''}"
        if prefix
        else f"EventBridge:{detail_type}"
    )
    return [
        _ordered(
            ObjectRef(
                bucket=_text(bucket, "name", "detail.bucket"),
                key=_text(s3_object, "key", "detail.object"),
                version_id=_optional_text(s3_object, "version-id", "detail.object"),
                etag=_optional_text(s3_object, "etag", "detail.object")
                or _optional_text(s3_object, "eTag", "detail.object"),
                size=_optional_size(s3_object, "size", "detail.object"),
                sequencer=_sequencer(s3_object, "detail.object"),
                event_name=event_name,
                event_time=_optional_text(event, "time", "event"),
            )
        )
    ]


def refs_from_sqs_record(record: Mapping[str, Any]) -> list[ObjectRef]:
    """Object references carried by one SQS message of a Lambda SQS event (a plain dict); see
    `refs_from_sqs_message`."""
    return refs_from_sqs_message(record.get("messageId"), record.get("body"))


def refs_from_sqs_message(message_id: object, raw_body: object) -> list[ObjectRef]:
    """Object references carried by one SQS message body; [] for an `s3:TestEvent`. Raises
    UnsupportedEventError (or its MalformedEventError) for a message that is not a well-formed
    notification.

    Example (Powertools' `SQSRecord`, as the batch utility hands it)::

        refs_from_sqs_message(record.message_id, record.body)
    """
    try:
        body = json.loads(raw_body) if isinstance(raw_body, str | bytes) else None
    except ValueError as error:
        raise UnsupportedEventError(f"SQS message {message_id} body is not JSON") from error
    if not isinstance(body, Mapping):
        raise UnsupportedEventError(f"SQS message {message_id} body is not a JSON object")
    if body.get("Event") == "s3:TestEvent":
        return []
    kind = classify_event(body)
    try:
        if kind is EventKind.S3:
            return refs_from_s3_event(body)
        if kind is EventKind.EVENTBRIDGE:
            return refs_from_eventbridge_event(body)
    except MalformedEventError as error:
        raise MalformedEventError(f"SQS message {message_id}: {error}") from None
    raise UnsupportedEventError(f"SQS message {message_id} holds no S3 notification")


@dataclass(frozen=True)
class BatchTask:
    """One S3 Batch Operations task: its id and, when well formed, its object."""

    task_id: str
    ref: ObjectRef | None
    problem: str | None = None  # why `ref` is None


def tasks_from_batch_operations_event(event: Mapping[str, Any]) -> list[BatchTask]:
    """Each task of an S3 Batch Operations invocation (keys decoded), one by one: a task with a
    missing or mistyped field gets its `problem`, the others are unaffected.

    Schema 1.0 names the bucket by ARN (`s3BucketArn`), schema 2.0 by name (`s3Bucket`).
    """
    tasks = event.get("tasks")
    parsed = []
    for index, task in enumerate(tasks if isinstance(tasks, list) else []):
        task_id = task.get("taskId") if isinstance(task, Mapping) else None
        task_id = task_id if isinstance(task_id, str) and task_id else f"task-{index}"
        try:
            parsed.append(BatchTask(task_id, _batch_ref(_mapping(task, "task"))))
        except MalformedEventError as error:
            parsed.append(BatchTask(task_id, None, str(error)))
    return parsed


def _batch_ref(task: Mapping[str, Any]) -> ObjectRef:
    bucket_arn = _optional_text(task, "s3BucketArn", "task")
    bucket = bucket_arn.split(":::")[-1] if bucket_arn else _text(task, "s3Bucket", "task")
    if not bucket:
        raise MalformedEventError("task.s3BucketArn names no bucket")
    return ObjectRef(
        bucket=bucket,
        key=unquote_plus(_text(task, "s3Key", "task")),
        version_id=_optional_text(task, "s3VersionId", "task"),
    )


def batch_user_flag(event: Mapping[str, Any], name: str) -> bool:
    """A true/false `UserArguments` entry of a schema 2.0 Batch Operations job (absent: false).

    Example: a job created with `"UserArguments": {"reprocess": "true"}` gives
    `batch_user_flag(event, "reprocess") is True`.
    """
    job = event.get("job")
    arguments = job.get("userArguments") if isinstance(job, Mapping) else None
    value = arguments.get(name) if isinstance(arguments, Mapping) else None
    return isinstance(value, str) and value.strip().lower() == "true"
