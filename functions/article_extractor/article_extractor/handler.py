"""Lambda entry point: tell the event kind apart, process each object, answer the platform.

- SQS: `{"batchItemFailures": [...]}` naming only the messages that must be retried;
- S3 notification / EventBridge: a summary; any transient failure is raised after every
  object of the event was tried, so the asynchronous invocation is retried;
- S3 Batch Operations: a result per task (Succeeded / TemporaryFailure).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import partial, wraps
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from article_extractor.aws.events import (
    REPROCESS_ARGUMENT,
    EventKind,
    UnsupportedEventError,
    batch_user_flag,
    classify_event,
    ref_from_s3_record,
    refs_from_eventbridge_event,
    tasks_from_batch_operations_event,
)
from article_extractor.aws.read_ahead import ReadAhead
from article_extractor.aws.results import Snapshot, Written, process_and_store, take_snapshot
from article_extractor.aws.runtime import (
    Runtime,
    decorators_for_tracing,
    import_deferred_modules,
    initialised_ahead_of_traffic,
    runtime,
)
from article_extractor.config import ConfigurationError, Settings
from article_extractor.document import Status
from article_extractor.inputs import Change, ObjectRef

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "article-extractor")
logger = Logger(service=SERVICE)
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "ArticleExtractor"), service=SERVICE
)
# Powertools' Tracer when tracing is on; otherwise the X-Ray SDK is never imported.
tracing = decorators_for_tracing(SERVICE)

# Time kept back from each object's budget for writing its record before Lambda's deadline.
WRITE_RESERVE_SECONDS = 5.0
# The one vocabulary of outcomes: a processed object reports its record's status; one that
# needed no new record reports what happened to its result (`Written`), or that it was ignored.
IGNORED = "ignored"
RESULT_STATUS = {
    Written.UNCHANGED: "unchanged",
    Written.STALE: "stale",
    Written.DELETED: "removed:deleted",
    Written.ABSENT: "removed:absent",
    Written.KEPT: "removed:kept",
}
# CloudWatch metric names (docs/operations.md lists them): per record status, per result outcome.
DOCUMENT_METRICS = {
    Status.OK: "DocumentsOk",
    Status.EMPTY: "DocumentsEmpty",
    Status.SKIPPED: "DocumentsSkipped",
    Status.FAILED: "DocumentsFailed",
}
RESULT_METRICS = {
    Written.WRITTEN: "ResultsWritten",
    Written.UNCHANGED: "ResultsUnchanged",
    Written.STALE: "ResultsStale",
    Written.DELETED: "ResultsDeleted",
    Written.ABSENT: "ResultsAbsent",
    Written.KEPT: "ResultsKept",
}


@dataclass(frozen=True)
class Outcome:
    """What became of one object: `status` is the record's status when one was written or
    found current, else what happened (`ignored`, `removed:deleted`, `stale`, ...)."""

    key: str
    status: str
    output_key: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"key": self.key, "status": self.status, "output_key": self.output_key}

    def describe(self, output_bucket: str) -> str:
        """One line for a Batch Operations report: `ok s3://out/extracted/a.html.json`."""
        where = f" s3://{output_bucket}/{self.output_key}" if self.output_key else ""
        return f"{self.status}{where}"


def time_budget(settings: Settings, context: LambdaContext | None) -> float | None:
    """Seconds one object may take: its own limit, within what is left of the invocation."""
    if context is None:
        return settings.max_object_seconds
    remaining = context.get_remaining_time_in_millis() / 1000 - WRITE_RESERVE_SECONDS
    if remaining <= 0:
        # No record: nothing was tried. Raising leaves the object to the platform's retry.
        raise TimeoutError("invocation deadline reached before this object was started")
    return min(settings.max_object_seconds, remaining)


@tracing.capture_method
def handle_object(
    ref: ObjectRef,
    rt: Runtime,
    context: LambdaContext | None = None,
    read_ahead: ReadAhead[ObjectRef, Snapshot] | None = None,
    reprocess: bool = False,
) -> Outcome:
    """Bring the result of one object's key in step with S3 (extract and store its record, or
    delete it when the key has no object). `read_ahead` holds snapshots an SQS batch took
    ahead; `reprocess` replaces results made by an older package or extractor version."""
    logger.set_correlation_id(ref.key)
    logger.append_keys(bucket=ref.bucket, object_key=ref.key, version_id=ref.version_id)
    settings = rt.settings
    if ref.bucket == settings.output_bucket and ref.key.startswith(settings.output_prefix):
        # Our own output: processing it would loop. Configuration should prevent this event.
        logger.warning("event for this function's own output ignored")
        metrics.add_metric(name="OwnOutputIgnored", unit=MetricUnit.Count, value=1)
        return Outcome(ref.key, IGNORED, None)
    change = ref.change
    if change is Change.OTHER:
        logger.info("event that changes no content ignored", extra={"event": ref.event_name})
        return Outcome(ref.key, IGNORED, None)
    if change is Change.REMOVED and not settings.delete_on_remove:
        logger.info("removal event ignored (DELETE_ON_REMOVE is off)")
        return Outcome(ref.key, IGNORED, None)
    budget = time_budget(settings, context)
    snapshot = read_ahead.take(ref.current()) if read_ahead else None
    stored = process_and_store(
        ref, rt.s3, rt.reader, settings, budget, reprocess=reprocess, first_snapshot=snapshot
    )
    metrics.add_metric(name=RESULT_METRICS[stored.written], unit=MetricUnit.Count, value=1)
    document = stored.document
    if document is None:
        logger.info(
            "result in step", extra={"output_key": stored.output_key, "write": stored.written}
        )
        target = stored.output_key if stored.written is not Written.ABSENT else None
        return Outcome(ref.key, RESULT_STATUS[stored.written], target)
    status = str(document.status)
    metrics.add_metric(name=DOCUMENT_METRICS[document.status], unit=MetricUnit.Count, value=1)
    metrics.add_metric(
        name="ExtractionDuration",
        unit=MetricUnit.Milliseconds,
        value=document.extraction.duration_ms,
    )
    # Never the document's text: logs carry what happened, not what was read.
    logger.info(
        "object processed",
        extra={
            "status": status,
            "output_key": stored.output_key,
            "write": str(stored.written),
            "error_code": document.error.code if document.error else None,
            "word_count": document.article.word_count if document.article else None,
        },
    )
    return Outcome(ref.key, status, stored.output_key)


def handle_sqs_batch(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Each message is parsed once and handled alone (a malformed one is reported in
    `batchItemFailures` by itself); the batch's objects are read ahead, a few at a time, while
    each is extracted in turn."""
    from article_extractor.aws.sqs_batch import ObjectBatch

    rt = runtime()
    batch = ObjectBatch(
        lambda ref: take_snapshot(ref, rt.s3, rt.reader, rt.settings),
        rt.settings.read_concurrency,
    )

    def handle_message(record: SQSRecord) -> list[dict[str, str | None]]:
        try:
            return [
                handle_object(ref, rt, context, batch.read_ahead).to_dict()
                for ref in batch.refs(record)
            ]
        except Exception:
            # The batch utility reports the message in batchItemFailures without logging it:
            # this line is what names the key of an upload that ends in the dead-letter queue.
            logger.exception(
                "message failed; SQS will deliver it again", extra={"message_id": record.message_id}
            )
            raise

    return batch.respond(event, handle_message, context)


def handle_refs(event: Mapping[str, Any], context: LambdaContext | None) -> dict[str, Any]:
    """S3 notifications and EventBridge events: try every object, each record parsed alone;
    re-raise the first failure (a malformed record's included) only after all were tried, so
    the invocation is retried."""
    rt = runtime()
    outcomes, first_error = [], None
    for parse in _record_parsers(event):
        try:
            for ref in parse():
                outcomes.append(handle_object(ref, rt, context).to_dict())
        except Exception as error:
            logger.exception("object failed; the invocation will be retried")
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return {"processed": outcomes}


def _record_parsers(event: Mapping[str, Any]) -> list[Callable[[], list[ObjectRef]]]:
    if classify_event(event) is EventKind.EVENTBRIDGE:
        return [partial(refs_from_eventbridge_event, event)]
    return [partial(lambda record: [ref_from_s3_record(record)], r) for r in event["Records"]]


def handle_batch_operations(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """S3 Batch Operations: one result per task. A result in step with the object (a stored
    record, whatever its status) is `Succeeded`; a task that names no object it can be about
    (malformed, or a key without an object) is `PermanentFailure`; a failure to store is
    `TemporaryFailure`, which Batch Operations retries. The job's `UserArguments`
    `{"reprocess": "true"}` replaces results made by an older package or extractor version."""
    rt = runtime()
    reprocess = batch_user_flag(event, REPROCESS_ARGUMENT)
    results: list[dict[str, str]] = []
    for task in tasks_from_batch_operations_event(event):
        if task.ref is None:
            logger.warning("malformed batch operations task", extra={"problem": task.problem})
            results.append(task_result(task.task_id, "PermanentFailure", f"{task.problem}"))
            continue
        try:
            outcome = handle_object(task.ref, rt, context, reprocess=reprocess)
        except Exception as error:
            logger.exception("batch operations task failed; it will be retried")
            message = f"{type(error).__name__}: {error}"[:500]
            results.append(task_result(task.task_id, "TemporaryFailure", message))
            continue
        if outcome.status == RESULT_STATUS[Written.ABSENT]:
            missing = f"s3://{task.ref.bucket}/{task.ref.key} does not exist; no result is kept"
            results.append(task_result(task.task_id, "PermanentFailure", missing))
            continue
        results.append(
            task_result(task.task_id, "Succeeded", outcome.describe(rt.settings.output_bucket))
        )
    # Batch Operations sends one task per invocation; a payload with several still gets one
    # result each (Powertools' S3BatchOperationResponse accepts exactly one).
    return {
        "invocationSchemaVersion": str(event.get("invocationSchemaVersion")),
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": str(event.get("invocationId")),
        "results": results,
    }


def task_result(task_id: str, code: str, message: str) -> dict[str, str]:
    """One task's entry in a Batch Operations response (`resultCode`: Succeeded,
    TemporaryFailure or PermanentFailure)."""
    return {"taskId": task_id, "resultCode": code, "resultString": message}


def quiet_when_nothing_to_count(
    handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]],
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """An invocation with no metric to publish (an s3:TestEvent, an ignored event) is normal
    here; without this, Powertools warns about it on stderr every time."""

    @wraps(handler)
    def quiet(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="No application metrics to publish", category=UserWarning
            )
            return handler(event, context)

    return quiet


@logger.inject_lambda_context(clear_state=True)
@tracing.capture_lambda_handler
@quiet_when_nothing_to_count
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    runtime()  # configuration errors surface here, with their message, before any work
    kind = classify_event(event)
    logger.append_keys(event_kind=str(kind))
    if kind is EventKind.SQS:
        return handle_sqs_batch(event, context)
    if kind in (EventKind.S3, EventKind.EVENTBRIDGE):
        return handle_refs(event, context)
    if kind is EventKind.BATCH_OPERATIONS:
        return handle_batch_operations(event, context)
    raise UnsupportedEventError(f"unsupported event with keys {sorted(event)[:10]}")


if initialised_ahead_of_traffic(os.environ):
    # Provisioned concurrency / SnapStart: no request waits for init, so load everything now.
    import_deferred_modules()
    with suppress(ConfigurationError):  # reported by the first invocation, as on demand
        runtime().s3  # noqa: B018  # creating the client loads botocore's S3 model
