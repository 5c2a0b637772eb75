"""Lambda entry point: tell the event kind apart, process each object, answer the platform.

- SQS: `{"batchItemFailures": [...]}` naming only the messages that must be retried;
- S3 notification / EventBridge: a summary; any transient failure is raised after every
  object of the event was tried, so the asynchronous invocation is retried;
- S3 Batch Operations: a result per task (Succeeded / TemporaryFailure).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from functools import cache, cached_property, partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from . import lazy_imports
from .config import ConfigurationError, Settings
from .events import (
    EventKind,
    ObjectRef,
    UnsupportedEventError,
    classify_event,
    refs_from_batch_operations_event,
    refs_from_eventbridge_event,
    refs_from_s3_event,
    refs_from_sqs_record,
)
from .keys import output_key
from .ordering import SourceStamp, parse_time
from .prefetch import PrefetchingReader
from .results import process_and_store
from .storage import ObjectReader, S3ObjectReader, delete_result

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_s3 import S3Client

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "article-extractor")
logger = Logger(service=SERVICE)
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "ArticleExtractor"), service=SERVICE
)
# Powertools' Tracer when tracing is on; otherwise the X-Ray SDK is never imported.
tracing = lazy_imports.tracing(SERVICE)

# Time kept back from each object's budget for writing its record before Lambda's deadline.
WRITE_RESERVE_SECONDS = 5.0


@dataclass(frozen=True)
class Runtime:
    """What one container keeps across invocations: settings and clients, nothing else.

    The S3 client (and boto3 with it) is created by the first invocation that reads or writes.
    """

    settings: Settings

    @cached_property
    def s3(self) -> S3Client:
        return lazy_imports.s3_client()

    @cached_property
    def reader(self) -> ObjectReader:
        return S3ObjectReader(self.s3)


@cache
def runtime() -> Runtime:
    """Settings, read once per cold start; clients on first use (tests call
    `runtime.cache_clear()`)."""
    return Runtime(settings=Settings.from_environ(os.environ))


@dataclass(frozen=True)
class Outcome:
    key: str
    status: str
    output_key: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"key": self.key, "status": self.status, "output_key": self.output_key}


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
    reader: ObjectReader | None = None,
) -> Outcome:
    """Process one object and store its record (or delete it, for a removal). `reader` stands in
    for the runtime's S3 reader (the read-ahead of an SQS batch)."""
    logger.set_correlation_id(ref.key)
    logger.append_keys(bucket=ref.bucket, object_key=ref.key, version_id=ref.version_id)
    settings = rt.settings
    if ref.bucket == settings.output_bucket and ref.key.startswith(settings.output_prefix):
        # Our own output: processing it would loop. Configuration should prevent this event.
        logger.warning("event for this function's own output ignored")
        metrics.add_metric(name="OwnOutputIgnored", unit=MetricUnit.Count, value=1)
        return Outcome(ref.key, "ignored", None)
    if ref.is_removal:
        return handle_removal(ref, rt, output_key(settings.output_prefix, ref.key))
    budget = time_budget(settings, context)
    stored = process_and_store(ref, rt.s3, reader or rt.reader, settings, budget)
    document, target, written = stored.document, stored.output_key, stored.written
    status = str(document.status)
    metrics.add_metric(name=f"Documents{status.capitalize()}", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name=f"Results{written.capitalize()}", unit=MetricUnit.Count, value=1)
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
            "output_key": target,
            "write": str(written),
            "error_code": document.error.code if document.error else None,
            "word_count": document.document.word_count if document.document else None,
        },
    )
    return Outcome(ref.key, status, target)


def handle_removal(ref: ObjectRef, rt: Runtime, target: str) -> Outcome:
    if not rt.settings.delete_on_remove:
        logger.info("removal event ignored (DELETE_ON_REMOVE is off)")
        return Outcome(ref.key, "ignored", None)
    removal = SourceStamp(last_modified=parse_time(ref.event_time), sequencer=ref.sequencer)
    deleted = delete_result(rt.s3, rt.settings.output_bucket, target, removal)
    metrics.add_metric(
        name=f"Removals{deleted.title().replace('_', '')}", unit=MetricUnit.Count, value=1
    )
    logger.info("removal processed", extra={"output_key": target, "result": str(deleted)})
    return Outcome(ref.key, f"removed:{deleted}", target)


def handle_sqs_record(
    record: Mapping[str, Any],
    rt: Runtime,
    context: LambdaContext | None = None,
    reader: ObjectReader | None = None,
) -> list[dict[str, str | None]]:
    return [
        handle_object(ref, rt, context, reader).to_dict() for ref in refs_from_sqs_record(record)
    ]


def handle_sqs_batch(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The batch's objects are read ahead, a few at a time, while each is extracted in turn;
    failures are still reported per message."""
    rt = runtime()
    refs = []
    for record in event["Records"]:
        # A message that is not a notification is reported failed by its record handler.
        with suppress(UnsupportedEventError):
            refs += refs_from_sqs_record(record)
    concurrency = rt.settings.read_concurrency
    if concurrency == 0 or len(refs) < 2:
        reader_scope: Any = nullcontext(None)
    else:
        reader_scope = PrefetchingReader(rt.reader, refs, rt.settings.max_input_bytes, concurrency)
    with reader_scope as reader:
        record_handler = partial(handle_sqs_record, rt=rt, context=context, reader=reader)
        return lazy_imports.process_sqs_batch(event, record_handler, context)


def handle_refs(refs: list[ObjectRef], context: LambdaContext | None) -> dict[str, Any]:
    """Try every object; re-raise the first transient failure only after all were tried."""
    rt = runtime()
    outcomes, first_error = [], None
    for ref in refs:
        try:
            outcomes.append(handle_object(ref, rt, context).to_dict())
        except Exception as error:
            logger.exception("object failed; the invocation will be retried")
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return {"processed": outcomes}


def handle_batch_operations(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """S3 Batch Operations: one result per task. A stored record (whatever its status) is
    `Succeeded`; a failure to produce one is `TemporaryFailure`, which Batch Operations retries."""
    rt = runtime()
    results: list[dict[str, str]] = []
    for task_id, ref in refs_from_batch_operations_event(event):
        try:
            outcome = handle_object(ref, rt, context)
        except Exception as error:
            logger.exception("batch operations task failed; it will be retried")
            message = f"{type(error).__name__}: {error}"[:500]
            results.append(task_result(task_id, "TemporaryFailure", message))
            continue
        stored = f"{outcome.status} s3://{rt.settings.output_bucket}/{outcome.output_key}"
        results.append(task_result(task_id, "Succeeded", stored))
    # Batch Operations sends one task per invocation; a payload with several still gets one
    # result each (Powertools' S3BatchOperationResponse accepts exactly one).
    return {
        "invocationSchemaVersion": event["invocationSchemaVersion"],
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": event["invocationId"],
        "results": results,
    }


def task_result(task_id: str, code: str, message: str) -> dict[str, str]:
    """One task's entry in a Batch Operations response (`resultCode`: Succeeded,
    TemporaryFailure or PermanentFailure)."""
    return {"taskId": task_id, "resultCode": code, "resultString": message}


@logger.inject_lambda_context(clear_state=True)
@tracing.capture_lambda_handler
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    runtime()  # configuration errors surface here, with their message, before any work
    kind = classify_event(event)
    logger.append_keys(event_kind=str(kind))
    if kind is EventKind.SQS:
        return handle_sqs_batch(event, context)
    if kind is EventKind.S3:
        return handle_refs(refs_from_s3_event(event), context)
    if kind is EventKind.EVENTBRIDGE:
        return handle_refs(refs_from_eventbridge_event(event), context)
    if kind is EventKind.BATCH_OPERATIONS:
        return handle_batch_operations(event, context)
    raise UnsupportedEventError(f"unsupported event with keys {sorted(event)[:10]}")


if lazy_imports.initialised_ahead_of_traffic(os.environ):
    # Provisioned concurrency / SnapStart: no request waits for init, so load everything now.
    lazy_imports.import_deferred_modules()
    with suppress(ConfigurationError):  # reported by the first invocation, as on demand
        runtime().s3  # noqa: B018  # creating the client loads botocore's S3 model
