"""Lambda entry point: tell the event kind apart, process each object, answer the platform.

- SQS: `{"batchItemFailures": [...]}` naming only the messages that must be retried;
- S3 notification / EventBridge: a summary; any transient failure is raised after every
  object of the event was tried, so the asynchronous invocation is retried.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from .config import Settings
from .events import (
    EventKind,
    ObjectRef,
    UnsupportedEventError,
    classify_event,
    refs_from_eventbridge_event,
    refs_from_s3_event,
    refs_from_sqs_record,
)
from .keys import output_key
from .processing import process_object
from .storage import S3ObjectReader, write_json

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
    reader: S3ObjectReader


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


@tracer.capture_method
def handle_object(ref: ObjectRef, rt: Runtime) -> Outcome:
    """Process one object and store its record; returns what happened."""
    logger.set_correlation_id(ref.key)
    logger.append_keys(bucket=ref.bucket, object_key=ref.key, version_id=ref.version_id)
    settings = rt.settings
    if ref.is_removal:
        logger.info("removal event ignored")
        return Outcome(ref.key, "ignored", None)
    if ref.bucket == settings.output_bucket and ref.key.startswith(settings.output_prefix):
        # Our own output: processing it would loop. Configuration should prevent this event.
        logger.warning("event for this function's own output ignored")
        metrics.add_metric(name="OwnOutputIgnored", unit=MetricUnit.Count, value=1)
        return Outcome(ref.key, "ignored", None)
    document = process_object(ref, rt.reader, settings.max_input_bytes)
    target = output_key(settings.output_prefix, ref.key)
    write_json(rt.s3, settings.output_bucket, target, document.to_bytes())
    status = str(document.status)
    metrics.add_metric(name=f"Documents{status.capitalize()}", unit=MetricUnit.Count, value=1)
    metrics.add_metric(
        name="ExtractionDuration",
        unit=MetricUnit.Milliseconds,
        value=document.extraction.duration_ms,
    )
    logger.info(
        "object processed",
        extra={
            "status": status,
            "output_key": target,
            "error_code": document.error.code if document.error else None,
            "word_count": document.document.word_count if document.document else None,
        },
    )
    return Outcome(ref.key, status, target)


def handle_sqs_record(record: SQSRecord) -> list[dict[str, str | None]]:
    rt = runtime()
    return [handle_object(ref, rt).to_dict() for ref in refs_from_sqs_record(record)]


def handle_refs(refs: list[ObjectRef]) -> dict[str, Any]:
    """Try every object; re-raise the first transient failure only after all were tried."""
    rt = runtime()
    outcomes, first_error = [], None
    for ref in refs:
        try:
            outcomes.append(handle_object(ref, rt).to_dict())
        except Exception as error:
            logger.exception("object failed; the invocation will be retried")
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return {"processed": outcomes}


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    runtime()  # configuration errors surface here, with their message, before any work
    kind = classify_event(event)
    logger.append_keys(event_kind=str(kind))
    if kind is EventKind.SQS:
        response = process_partial_response(
            event=event,
            record_handler=handle_sqs_record,
            processor=sqs_processor,
            context=context,
        )
        return dict(response)
    if kind is EventKind.S3:
        return handle_refs(refs_from_s3_event(event))
    if kind is EventKind.EVENTBRIDGE:
        return handle_refs(refs_from_eventbridge_event(event))
    raise UnsupportedEventError(f"unsupported event with keys {sorted(event)[:10]}")
