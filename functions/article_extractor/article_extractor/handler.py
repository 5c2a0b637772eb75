"""Lambda entry point: tell the event kind apart, process each object, answer the platform.

- SQS: `{"batchItemFailures": [...]}` naming only the messages that must be retried;
- S3 notification / EventBridge: a summary; any transient failure is raised after every
  object of the event was tried, so the asynchronous invocation is retried;
- S3 Batch Operations: a result per task (Succeeded / TemporaryFailure).
"""

from __future__ import annotations

import os
from contextlib import nullcontext, suppress
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes import (
    S3BatchOperationResponseRecord,
    SQSRecord,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from .config import Settings
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
    from mypy_boto3_s3 import S3Client

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "article-extractor")
logger = Logger(service=SERVICE)
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "ArticleExtractor"), service=SERVICE
)
tracer = Tracer(service=SERVICE)
# Failing every record of a batch is reported like any partial failure, not as an exception.
sqs_processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

# Time kept back from each object's budget for writing its record before Lambda's deadline.
WRITE_RESERVE_SECONDS = 5.0
S3_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=5,
    read_timeout=30,
)


@dataclass(frozen=True)
class Runtime:
    """What one container keeps across invocations: settings and clients, nothing else."""

    settings: Settings
    s3: S3Client
    reader: ObjectReader


@cache
def runtime() -> Runtime:
    """Settings and clients, created once per cold start (tests call `runtime.cache_clear()`)."""
    settings = Settings.from_environ(os.environ)
    s3 = boto3.client("s3", config=S3_CLIENT_CONFIG)
    return Runtime(settings=settings, s3=s3, reader=S3ObjectReader(s3))


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


@tracer.capture_method
def handle_object(ref: ObjectRef, rt: Runtime, context: LambdaContext | None = None) -> Outcome:
    """Process one object and store its record (or delete it, for a removal)."""
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
    stored = process_and_store(ref, rt.s3, rt.reader, settings, time_budget(settings, context))
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
    record: SQSRecord, rt: Runtime, context: LambdaContext | None = None
) -> list[dict[str, str | None]]:
    return [handle_object(ref, rt, context).to_dict() for ref in refs_from_sqs_record(record)]


def handle_sqs_batch(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The batch's objects are read ahead, a few at a time, while each is extracted in turn;
    failures are still reported per message."""
    rt = runtime()
    refs = []
    for record in event["Records"]:
        # A message that is not a notification is reported failed by its record handler.
        with suppress(UnsupportedEventError):
            refs += refs_from_sqs_record(SQSRecord(record))
    concurrency = rt.settings.read_concurrency
    if concurrency == 0 or len(refs) < 2:
        reader_scope: Any = nullcontext(rt.reader)
    else:
        reader_scope = PrefetchingReader(rt.reader, refs, rt.settings.max_input_bytes, concurrency)
    with reader_scope as reader:
        response = process_partial_response(
            event=event,
            record_handler=partial(
                handle_sqs_record, rt=replace(rt, reader=reader), context=context
            ),
            processor=sqs_processor,
            context=context,
        )
    return dict(response)


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
    results: list[S3BatchOperationResponseRecord] = []
    for task_id, ref in refs_from_batch_operations_event(event):
        try:
            outcome = handle_object(ref, rt, context)
        except Exception as error:
            logger.exception("batch operations task failed; it will be retried")
            results.append(
                S3BatchOperationResponseRecord(
                    task_id, "TemporaryFailure", f"{type(error).__name__}: {error}"[:500]
                )
            )
            continue
        results.append(
            S3BatchOperationResponseRecord(
                task_id,
                "Succeeded",
                f"{outcome.status} s3://{rt.settings.output_bucket}/{outcome.output_key}",
            )
        )
    # Batch Operations sends one task per invocation; a payload with several still gets one
    # result each (Powertools' S3BatchOperationResponse accepts exactly one).
    return {
        "invocationSchemaVersion": event["invocationSchemaVersion"],
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": event["invocationId"],
        "results": [result.asdict() for result in results],
    }


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
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
