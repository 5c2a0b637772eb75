"""Fault-injection run: uploads through moto's server, concurrent worker processes, injected S3
faults, and a dead-letter queue. Every upload must end as exactly one result record or one
dead-lettered message.

    python -m tests.e2e.fault_run --objects 1000 --workers 2      (or: make faults)

Each worker is a separate process, like a Lambda execution environment: it polls the queue,
passes Lambda's SQS event to the real `lambda_handler`, and deletes what the handler did not
report failed. The function's own S3 client gets faults injected before requests are sent:
500 InternalError, 503 SlowDown and dropped connections at set rates (botocore's standard retry
mode must absorb them), and a permanent 403 on writing the results of "poison" keys (which must
be retried by SQS and then dead-lettered). Broken uploads (empty, corrupt gzip) must become
error records, valid ones `ok` records: a fault must never turn into an error record. Each
worker reports the faults it injected, so a run that injected none of a kind (and so proved
nothing about it) shows, and fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError

from article_extractor.aws.events import refs_from_s3_event
from article_extractor.keys import output_key
from article_extractor_tools.local import (
    LocalPipeline,
    Poll,
    attach_pipeline,
    create_pipeline,
    lambda_environment,
    moto_server,
    poll,
)

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import ChangeMessageVisibilityBatchRequestEntryTypeDef

POISON = "poison"
PAGE = (
    "<html lang='en'><head><title>Harbour report {n}</title></head><body><nav><a href='/'>Home"
    "</a></nav><article><h1>Harbour report {n}</h1><p>Report number {n} describes the tides, "
    "the fishing boats and the repairs planned for the northern breakwater this summer.</p><p>"
    "The harbour master said the work would start once the storm season ends and should take "
    "about two months, weather permitting.</p></article></body></html>"
)


# Far longer than a batch takes, even with retries backing off on a loaded machine: a message
# received twice while in progress would count towards its dead-lettering.
VISIBILITY_TIMEOUT_SECONDS = 120
# The faults `inject_faults` counts, by the name it counts them under.
FAULT_KINDS = ("internal_error_500", "slow_down_503", "dropped_connection", "poison_403")


@dataclass(frozen=True)
class FaultRates:
    internal_error: float = 0.05  # 500 InternalError: retried by botocore
    slow_down: float = 0.01  # 503 SlowDown (throttling): retried with longer backoff
    dropped_connection: float = 0.03  # connection closed before a response: retried


@dataclass
class Report:
    uploaded: int = 0
    ok: int = 0
    error_records: int = 0
    dead_lettered: int = 0
    lost: int = 0
    faults_into_error_records: int = 0
    misfiled_results: int = 0  # stored under another key than their key's (or a second one)
    unexpected_dead_letters: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    workers_reported: int = 0  # workers that ran to the end and sent their counts
    injected: dict[str, int] = field(default_factory=dict)  # fault kind -> times injected

    def line(self) -> str:
        injected = " ".join(f"{kind}={self.injected.get(kind, 0)}" for kind in FAULT_KINDS)
        return (
            f"uploaded={self.uploaded} ok={self.ok} error_records={self.error_records} "
            f"dead_lettered={self.dead_lettered} lost={self.lost} "
            f"faults_into_error_records={self.faults_into_error_records} "
            f"unexpected_dead_letters={self.unexpected_dead_letters} "
            f"misfiled_results={self.misfiled_results} seconds={self.seconds:.1f}"
            f"\ninjected: {injected} (workers reporting: {self.workers_reported})"
        )

    def faults_missing(self) -> list[str]:
        """The fault kinds this run never injected: what it says nothing about."""
        return [kind for kind in FAULT_KINDS if not self.injected.get(kind)]


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def _error_response(request: Any, status: int, code: str) -> AWSResponse:
    body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
    return AWSResponse(request.url, status, {"content-type": "application/xml"}, _Body(body))


def inject_faults(client: Any, rates: FaultRates, seed: int) -> Counter[str]:
    """Register the fault injector on one S3 client; returns the counter of injected faults."""
    rng = random.Random(seed)
    injected: Counter[str] = Counter()

    def before_send(request: Any, **_: Any) -> AWSResponse | None:
        if request.method == "PUT" and POISON in unquote(request.url):
            injected["poison_403"] += 1
            return _error_response(request, 403, "AccessDenied")
        draw = rng.random()
        if draw < rates.dropped_connection:
            injected["dropped_connection"] += 1
            raise ConnectionClosedError(endpoint_url=request.url)
        draw -= rates.dropped_connection
        if draw < rates.internal_error:
            injected["internal_error_500"] += 1
            return _error_response(request, 500, "InternalError")
        draw -= rates.internal_error
        if draw < rates.slow_down:
            injected["slow_down_503"] += 1
            return _error_response(request, 503, "SlowDown")
        return None

    client.meta.events.register("before-send.s3", before_send)
    return injected


def worker(
    names: dict[str, str],
    rates: FaultRates,
    seed: int,
    stop: Event,
    counts: Queue[dict[str, int]],
) -> None:
    """One execution environment: poll, invoke the real handler, delete what succeeded; when
    stopped, send the faults it injected (a worker that died sends nothing)."""
    os.environ["POWERTOOLS_LOG_LEVEL"] = "CRITICAL"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    from article_extractor.aws.runtime import runtime
    from article_extractor.handler import lambda_handler

    pipeline = attach_pipeline(**names)
    with lambda_environment(pipeline):
        injected = inject_faults(runtime().s3, rates, seed)
        while not stop.is_set():
            _retry_failed_now(pipeline, poll(pipeline, lambda_handler, wait_seconds=1))
    counts.put(dict(injected))


def _retry_failed_now(pipeline: LocalPipeline, handled: Poll) -> None:
    """Make the messages the handler reported failed visible again at once: SQS retries them
    (and dead-letters them after the set receives) without waiting out the visibility timeout,
    which is long so that no message in progress is ever received twice."""
    entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
        {"Id": str(index), "ReceiptHandle": record["receiptHandle"], "VisibilityTimeout": 0}
        for index, record in enumerate(handled.records)
        if record["messageId"] in handled.failed
    ]
    if entries:
        pipeline.sqs.change_message_visibility_batch(QueueUrl=pipeline.queue_url, Entries=entries)


def _upload(pipeline: LocalPipeline, objects: int, poison: int, broken: int) -> dict[str, str]:
    """Upload the run's objects; returns key -> what it is ("valid", "broken", "poison")."""
    kinds: dict[str, str] = {}
    for n in range(objects):
        if n < poison:
            key, body, kind = f"run/{POISON}-{n:04d}.html", PAGE.format(n=n).encode(), "poison"
        elif n < poison + broken:
            key, kind = f"run/broken-{n:04d}.html.gz", "broken"
            body = b"" if n % 2 else b"\x1f\x8b\x08\x00broken-gzip"
        else:
            key, body, kind = f"run/page-{n:04d}.html", PAGE.format(n=n).encode(), "valid"
        pipeline.s3.put_object(Bucket=pipeline.input_bucket, Key=key, Body=body)
        kinds[key] = kind
    return kinds


def _dead_lettered_keys(pipeline: LocalPipeline) -> list[str]:
    assert pipeline.dead_letter_queue_url is not None
    keys: list[str] = []
    while True:
        received = pipeline.sqs.receive_message(
            QueueUrl=pipeline.dead_letter_queue_url, MaxNumberOfMessages=10
        ).get("Messages", [])
        if not received:
            return keys
        for message in received:
            body = json.loads(message["Body"])
            keys += [ref.key for ref in refs_from_s3_event(body)]
            pipeline.sqs.delete_message(
                QueueUrl=pipeline.dead_letter_queue_url, ReceiptHandle=message["ReceiptHandle"]
            )


def _stored_results(pipeline: LocalPipeline) -> dict[str, dict[str, Any]]:
    """Every result document in the output bucket, by the key it is stored under."""
    stored = {}
    paginator = pipeline.s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=pipeline.output_bucket, Prefix=pipeline.output_prefix):
        for item in page.get("Contents", []):
            body = pipeline.s3.get_object(Bucket=pipeline.output_bucket, Key=item["Key"])["Body"]
            stored[item["Key"]] = json.loads(body.read())
    return stored


def file_results(
    stored: dict[str, dict[str, Any]], prefix: str
) -> tuple[dict[str, dict[str, Any]], int]:
    """The results by the source key their records name, and how many are misfiled: stored
    elsewhere than the key mapping puts that key's result (a second result for a key is)."""
    results = {}
    misfiled = 0
    for stored_at, document in sorted(stored.items()):
        key = document["source"]["key"]
        if stored_at == output_key(prefix, key):
            results[key] = document
        else:
            misfiled += 1
    return results, misfiled


def _result_count(pipeline: LocalPipeline) -> int:
    paginator = pipeline.s3.get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=pipeline.output_bucket, Prefix=pipeline.output_prefix)
    return sum(page.get("KeyCount", 0) for page in pages)


def _dead_letter_depth(pipeline: LocalPipeline) -> int:
    assert pipeline.dead_letter_queue_url is not None
    attributes = pipeline.sqs.get_queue_attributes(
        QueueUrl=pipeline.dead_letter_queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def run(
    objects: int = 1000,
    workers: int = 2,
    poison: int = 20,
    broken: int = 20,
    rates: FaultRates | None = None,
    deadline_seconds: float = 600.0,
    receives_before_dead_letter: int = 3,
) -> Report:
    rates = rates or FaultRates()
    started = time.monotonic()
    report = Report()
    with moto_server() as endpoint:
        pipeline = create_pipeline(
            endpoint,
            "fault-input",
            "fault-output",
            queue_name="fault-queue",
            visibility_timeout=VISIBILITY_TIMEOUT_SECONDS,
            dead_letter_after=receives_before_dead_letter,
        )
        kinds = _upload(pipeline, objects, poison, broken)
        report.uploaded = len(kinds)
        names = {
            "endpoint_url": endpoint,
            "input_bucket": pipeline.input_bucket,
            "output_bucket": pipeline.output_bucket,
            "output_prefix": pipeline.output_prefix,
            "queue_name": "fault-queue",
        }
        context = multiprocessing.get_context("spawn")
        stop = context.Event()
        counts: Queue[dict[str, int]] = context.Queue()
        processes = [
            context.Process(target=worker, args=(names, rates, seed, stop, counts), daemon=True)
            for seed in range(workers)
        ]
        for process in processes:
            process.start()
        try:
            # Wait for every upload to be accounted for (or the deadline), checking each second.
            while time.monotonic() - started < deadline_seconds:
                done = _result_count(pipeline) + _dead_letter_depth(pipeline)
                if done >= report.uploaded:
                    break
                stop.wait(1.0)
        finally:
            stop.set()
            for process in processes:
                process.join(timeout=60)
        injected: Counter[str] = Counter()
        while report.workers_reported < workers:
            try:
                injected.update(counts.get(timeout=5))  # a few bytes, flushed before exit
            except queue.Empty:
                break
            report.workers_reported += 1
        report.injected = dict(injected)
        results, report.misfiled_results = file_results(
            _stored_results(pipeline), pipeline.output_prefix
        )
        dead = _dead_lettered_keys(pipeline)

    statuses = Counter(doc["status"] for doc in results.values())
    report.statuses = dict(statuses)
    report.ok = statuses["ok"]
    report.error_records = sum(n for status, n in statuses.items() if status != "ok")
    report.dead_lettered = len(dead)
    report.lost = len(set(kinds) - set(results) - set(dead))
    report.faults_into_error_records = sum(
        1 for key, doc in results.items() if kinds.get(key) == "valid" and doc["status"] != "ok"
    )
    report.unexpected_dead_letters = sum(1 for key in dead if kinds.get(key) != "poison")
    report.seconds = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poison", type=int, default=20)
    parser.add_argument("--broken", type=int, default=20)
    args = parser.parse_args(argv)
    report = run(args.objects, args.workers, args.poison, args.broken)
    print(report.line())
    print(json.dumps(asdict(report)))
    ok = (
        report.lost
        == report.faults_into_error_records
        == report.unexpected_dead_letters
        == report.misfiled_results
        == 0
    )
    every_fault = not report.faults_missing() and report.workers_reported == args.workers
    return 0 if ok and every_fault else 1


if __name__ == "__main__":
    sys.exit(main())
