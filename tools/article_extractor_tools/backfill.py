"""Objects already in S3: process them from a workstation or CI, or hand them to the deployed
function with an S3 Batch Operations job. Behind `article-extractor backfill`.

Processing (`run_backfill`): the prefix is listed in the main process; worker processes (each
with its own S3 client, like Lambda execution environments) skip objects whose stored result
was made from the listed ETag and call `results.process_and_store` on the others, the step the
function runs. A run that stops resumes where it stopped.

Manifest (`run_manifest`): the same check, then the objects still to process are written as an
S3 Batch Operations CSV manifest, and the `s3control` CreateJob request that has the deployed
function process them is printed (or submitted, with `--create-job`).

Example::

    article-extractor backfill s3://article-input/news/ --output-bucket article-output --workers 8
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import signal
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from article_extractor.aws import runtime
from article_extractor.aws.events import REPROCESS_ARGUMENT
from article_extractor.aws.results import process_and_store, result_is_current
from article_extractor.aws.storage import S3ObjectReader
from article_extractor.config import Settings
from article_extractor.document import Status
from article_extractor.inputs import ObjectRef
from article_extractor.keys import is_supported_key, supported_suffixes_text
from article_extractor_tools.progress import terminal_bar

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MANIFEST_FOLDER = "article-extractor/manifests/"
REPORT_PREFIX = "article-extractor/reports"
MANIFEST_FORMAT = "S3BatchOperations_CSV_20180820"
REPORT_FORMAT = "Report_CSV_20180820"
INVOCATION_SCHEMA_VERSION = "2.0"
DEFAULT_PRIORITY = 10
# Shown in a printed request whose manifest the user still has to upload.
PLACEHOLDER = "<{}>"
INTERRUPTED_EXIT_CODE = 130  # as a shell reports a Ctrl-C
LOG_REFRESH_SECONDS = 10.0  # progress lines where the output is not a terminal


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """`s3://bucket/prefix` -> S3Location (the prefix may be empty)."""
        # Split by hand, not as a URL: the prefix is a key as typed ("a b", "%", "?", "#").
        scheme, _, rest = url.partition("://")
        bucket, _, prefix = rest.partition("/")
        if scheme != "s3" or not bucket:
            raise ValueError(f"expected s3://bucket/prefix, got {url!r}")
        return cls(bucket=bucket, prefix=prefix)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class JobOptions:
    """What the CreateJob request needs besides the manifest; None prints a placeholder."""

    function_arn: str | None = None
    role_arn: str | None = None
    report_bucket: str | None = None
    account_id: str | None = None
    priority: int = DEFAULT_PRIORITY
    create: bool = False  # submit the job (needs AWS credentials), not just print the request


@dataclass(frozen=True)
class BackfillOptions:
    source: S3Location
    settings: Settings
    workers: int = 1
    endpoint_url: str | None = None
    manifest_path: Path | None = None  # with `job`: the local copy of the manifest
    job: JobOptions | None = None  # set: write a manifest and a job request, process nothing
    reprocess: bool = False  # make again results of an older package or trafilatura version


class Outcome(StrEnum):
    DONE = "done"  # processed; its record was stored
    SKIPPED = "skipped"  # the stored result was made from this ETag already
    FAILED = "failed"  # processed; its record says `failed`
    ERROR = "error"  # raised (an S3 error): no record; reported and counted as failed
    PENDING = "pending"  # manifest runs: still to be processed


@dataclass(frozen=True)
class ObjectOutcome:
    ref: ObjectRef
    outcome: Outcome
    detail: str | None = None  # the record's error code, or the exception raised


def list_inputs(s3: S3Client, source: S3Location) -> Iterator[ObjectRef]:
    """Every object under the prefix whose key the function processes, in key order."""
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=source.bucket, Prefix=source.prefix):
        for item in page.get("Contents", []):
            if is_supported_key(item["Key"]):
                yield ObjectRef(
                    bucket=source.bucket,
                    key=item["Key"],
                    etag=item.get("ETag", "").strip('"') or None,
                    size=item.get("Size"),
                )


def backfill_object(
    ref: ObjectRef,
    s3: S3Client,
    reader: S3ObjectReader,
    settings: Settings,
    check_only: bool,
    reprocess: bool = False,
) -> ObjectOutcome:
    """Skip, or process and store, one listed object; an exception is returned, not raised.

    `reprocess`: results made from the listed object by an older package or trafilatura
    version are not current (they are made again; a result is never replaced by one of an
    older object)."""
    try:
        if result_is_current(s3, settings, ref, reprocess=reprocess):
            return ObjectOutcome(ref, Outcome.SKIPPED)
        if check_only:
            return ObjectOutcome(ref, Outcome.PENDING)
        document = process_and_store(ref, s3, reader, settings, reprocess=reprocess).document
    except Exception as error:  # one object's S3 error must not stop the run
        return ObjectOutcome(ref, Outcome.ERROR, f"{type(error).__name__}: {error}")
    if document is None:  # current after all, or deleted since it was listed
        return ObjectOutcome(ref, Outcome.SKIPPED)
    if document.status is Status.FAILED:
        return ObjectOutcome(ref, Outcome.FAILED, document.error.code if document.error else None)
    return ObjectOutcome(ref, Outcome.DONE, str(document.status))


def s3_client(endpoint_url: str | None) -> S3Client:
    return runtime.s3_client(endpoint_url)


@dataclass(frozen=True)
class _Worker:
    """One worker process's clients and settings, made once when the process starts."""

    s3: S3Client
    reader: S3ObjectReader
    settings: Settings
    check_only: bool
    reprocess: bool


_worker: _Worker | None = None


def _start_worker(
    settings: Settings, endpoint_url: str | None, check_only: bool, reprocess: bool
) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    s3 = s3_client(endpoint_url)
    _worker = _Worker(s3, S3ObjectReader(s3), settings, check_only, reprocess)


def _work(ref: ObjectRef) -> ObjectOutcome:
    assert _worker is not None, "_start_worker runs first in every worker process"
    worker = _worker
    return backfill_object(
        ref, worker.s3, worker.reader, worker.settings, worker.check_only, worker.reprocess
    )


@dataclass
class Tally:
    listed: int = 0
    listing_done: bool = False
    done: int = 0
    skipped: int = 0
    failed_records: int = 0
    errors: int = 0
    pending: int = 0
    checking: bool = False  # manifest runs: objects are only checked
    interrupted: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def failed(self) -> int:
        return self.failed_records + self.errors

    @property
    def handled(self) -> int:
        return self.done + self.skipped + self.failed + self.pending

    @property
    def processed(self) -> int:
        """Objects whose record this run made (done, or failed with a record)."""
        return self.done + self.failed_records

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.DONE:
            self.done += 1
        elif outcome is Outcome.SKIPPED:
            self.skipped += 1
        elif outcome is Outcome.FAILED:
            self.failed_records += 1
        elif outcome is Outcome.ERROR:
            self.errors += 1
        else:
            self.pending += 1

    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    def rate(self) -> float:
        """Objects handled per second (processed or found current): what the ETA needs."""
        return self.handled / self.elapsed()

    def eta(self) -> str:
        rate = self.rate()
        if not self.listing_done or rate <= 0:
            return "?"
        return _duration(max(self.listed - self.handled, 0) / rate)

    def counts_text(self) -> str:
        if self.checking:
            return f"current={self.skipped} to_process={self.pending + self.errors}"
        return f"done={self.done} skipped={self.skipped} failed={self.failed}"

    def progress_line(self) -> str:
        listed = f"{self.listed}" if self.listing_done else f"{self.listed}+"
        return (
            f"{self.counts_text()} ({self.handled}/{listed}) {self.rate():.1f} objects/s "
            f"ETA {self.eta()}"
        )


class Progress:
    """How far a run is, on `stream`: a tqdm bar on a terminal (with the `tools` extra), else a
    line every LOG_REFRESH_SECONDS, so a CI log stays readable."""

    def __init__(self, stream: TextIO, tally: Tally) -> None:
        self._stream = stream
        self._tally = tally
        self._bar = terminal_bar(stream, total=None, unit="obj", leave=False)
        self._shown_at = time.monotonic()

    def update(self) -> None:
        tally = self._tally
        if self._bar is None:
            if time.monotonic() - self._shown_at >= LOG_REFRESH_SECONDS:
                self._shown_at = time.monotonic()
                print(tally.progress_line(), file=self._stream, flush=True)
            return
        self._bar.set_postfix_str(tally.counts_text(), refresh=False)
        if tally.listing_done and self._bar.total != tally.listed:
            self._bar.total = tally.listed  # from now on, a bar with its ETA
            self._bar.n = tally.handled
            self._bar.refresh()
        else:
            self._bar.update(tally.handled - self._bar.n)

    def note(self, message: str) -> None:
        """A line of its own (an object's error), above the bar."""
        if self._bar is None:
            print(message, file=self._stream, flush=True)
        else:
            self._bar.write(message, file=self._stream)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _duration(seconds: float) -> str:
    """`42s`, `7m05s`, `3h02m`."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _run_workers(
    options: BackfillOptions, check_only: bool, err: TextIO
) -> tuple[Tally, list[ObjectRef]]:
    """List the prefix and hand each object to the worker processes.

    Returns the counts and, in key order, the objects still to process (those that were not
    current, or whose check or processing raised)."""
    s3 = s3_client(options.endpoint_url)
    tally = Tally(checking=check_only)
    progress = Progress(err, tally)
    to_process: list[ObjectRef] = []

    def listed() -> Iterator[ObjectRef]:
        # Consumed by the pool's feeder thread: workers start before the listing ends.
        for ref in list_inputs(s3, options.source):
            tally.listed += 1
            yield ref
        tally.listing_done = True

    context = multiprocessing.get_context("spawn")
    initargs = (options.settings, options.endpoint_url, check_only, options.reprocess)
    with context.Pool(options.workers, initializer=_start_worker, initargs=initargs) as pool:
        try:
            for outcome in pool.imap_unordered(_work, listed()):
                tally.count(outcome.outcome)
                if outcome.outcome in (Outcome.PENDING, Outcome.ERROR):
                    to_process.append(outcome.ref)
                if outcome.outcome is Outcome.ERROR:
                    progress.note(f"error: {outcome.ref.key}: {outcome.detail}")
                progress.update()
        except KeyboardInterrupt:
            tally.interrupted = True  # leaving the pool's block stops the workers
        finally:
            progress.close()
    to_process.sort(key=lambda ref: ref.key)
    return tally, to_process


def _listing_failed(options: BackfillOptions, error: Exception, err: TextIO) -> int:
    # Objects' own errors are caught in the workers: what reaches here is the listing's.
    print(f"error: listing {options.source} failed: {error}", file=err)
    return 2


def run_backfill(options: BackfillOptions, err: TextIO) -> int:
    """Process what is not current under the prefix: 0, or 1 when any object raised."""
    try:
        tally, _ = _run_workers(options, check_only=False, err=err)
    except (ClientError, BotoCoreError) as error:
        return _listing_failed(options, error, err)
    for line in summary_lines(options, tally):
        print(line, file=err)
    if tally.interrupted:
        print("interrupted: run the same command again to resume", file=err)
        return INTERRUPTED_EXIT_CODE
    return 1 if tally.errors else 0


def summary_lines(options: BackfillOptions, tally: Tally) -> list[str]:
    """The run's last lines: its counts, its time and, when it made any record, how many it
    made per second; a run that made none shows no rate, and says why when nothing failed.

    Example::

        summary_lines(options, tally)
        # ["backfill s3://in/p/ -> s3://out/extracted/: listed=300 done=288 skipped=0 failed=12
        #   (records=12 errors=0) in 7.4s, 40.6 docs/s"]
    """
    settings = options.settings
    line = (
        f"backfill {options.source} -> s3://{settings.output_bucket}/{settings.output_prefix}: "
        f"listed={tally.listed} done={tally.done} skipped={tally.skipped} failed={tally.failed} "
        f"(records={tally.failed_records} errors={tally.errors}) in {tally.elapsed():.1f}s"
    )
    if tally.processed:
        return [f"{line}, {tally.processed / tally.elapsed():.1f} docs/s"]
    if tally.errors or tally.interrupted:
        return [line]
    if tally.listed:
        why = "every result is current (made from the object as it is now)"
    else:
        why = f"no key under {options.source} ends in {supported_suffixes_text()}"
    return [line, f"nothing to process: {why}"]


@dataclass(frozen=True)
class ManifestLocation:
    object_arn: str
    etag: str


def manifest_csv(refs: Iterable[ObjectRef]) -> str:
    """An S3 Batch Operations CSV manifest: `bucket,key` rows.

    S3 requires the keys of a CSV manifest URL-encoded (its examples keep `/`, and write a space
    `%20`). Every other byte outside letters, digits and `_.-~` is percent-encoded as UTF-8, so
    `+` is `%2B` and the key decodes the same with `unquote` and `unquote_plus`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for ref in refs:
        writer.writerow([ref.bucket, quote(ref.key, safe="/")])
    return buffer.getvalue()


def manifest_key(now: datetime) -> str:
    return f"{MANIFEST_FOLDER}{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.csv"


def upload_manifest(s3: S3Client, bucket: str, body: bytes, now: datetime) -> ManifestLocation:
    key = manifest_key(now)
    response = s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/csv")
    return ManifestLocation(f"arn:aws:s3:::{bucket}/{key}", response["ETag"].strip('"'))


def batch_job_request(
    *,
    function_arn: str,
    role_arn: str,
    manifest: ManifestLocation,
    report_bucket: str,
    client_request_token: str,
    priority: int = DEFAULT_PRIORITY,
    description: str | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """The `s3control` CreateJob request (without `AccountId`) that has the deployed function
    process every object of `manifest`, with a completion report of all tasks.

    Example::

        request = batch_job_request(function_arn=..., role_arn=..., manifest=location,
                                    report_bucket="my-reports", client_request_token=str(uuid4()))
        boto3.client("s3control").create_job(AccountId="123456789012", **request)
    """
    report_arn = (
        report_bucket if report_bucket.startswith("arn:") else f"arn:aws:s3:::{report_bucket}"
    )
    request: dict[str, Any] = {
        "ConfirmationRequired": False,
        "Operation": {
            "LambdaInvoke": {
                "FunctionArn": function_arn,
                "InvocationSchemaVersion": INVOCATION_SCHEMA_VERSION,
                # The function reads it from the event's job.userArguments (schema 2.0).
                **({"UserArguments": {REPROCESS_ARGUMENT: "true"}} if reprocess else {}),
            }
        },
        "Report": {
            "Bucket": report_arn,
            "Format": REPORT_FORMAT,
            "Enabled": True,
            "Prefix": REPORT_PREFIX,
            "ReportScope": "AllTasks",
        },
        "ClientRequestToken": client_request_token,
        "Manifest": {
            "Spec": {"Format": MANIFEST_FORMAT, "Fields": ["Bucket", "Key"]},
            "Location": {"ObjectArn": manifest.object_arn, "ETag": manifest.etag},
        },
        "Priority": priority,
        "RoleArn": role_arn,
    }
    if description:
        request["Description"] = description[:256]  # the API's limit
    return request


def function_region(function_arn: str) -> str | None:
    """`arn:aws:lambda:REGION:ACCOUNT:function:NAME` -> REGION (None for a bare name)."""
    parts = function_arn.split(":")
    if len(parts) > 4 and parts[0] == "arn" and parts[3]:
        return parts[3]
    return None


def create_batch_job(request: dict[str, Any], account_id: str | None, region: str | None) -> str:
    """Submit the job with the caller's AWS credentials; returns its JobId."""
    session = boto3.Session(region_name=region)
    if account_id is None:
        account_id = session.client("sts").get_caller_identity()["Account"]
    response = session.client("s3control").create_job(AccountId=account_id, **request)
    return str(response["JobId"])


def run_manifest(options: BackfillOptions, out: TextIO, err: TextIO) -> int:
    """Write the manifest of what is not current and print (or submit) its CreateJob request.

    0, or 1 when checking an object raised (it is in the manifest all the same).
    """
    job = options.job or JobOptions()
    try:
        tally, pending = _run_workers(options, check_only=True, err=err)
    except (ClientError, BotoCoreError) as error:
        return _listing_failed(options, error, err)
    if tally.interrupted:
        print("interrupted: no manifest written", file=err)
        return INTERRUPTED_EXIT_CODE
    body = manifest_csv(pending).encode("utf-8")
    if options.manifest_path is not None:
        options.manifest_path.write_bytes(body)
    where = f" -> {options.manifest_path}" if options.manifest_path else ""
    print(
        f"manifest {options.source}: listed={tally.listed} current={tally.skipped} "
        f"to_process={len(pending)} (errors={tally.errors}){where}",
        file=err,
    )
    status = 1 if tally.errors else 0
    if not pending:
        print("nothing to process: every result is current; no job needed", file=err)
        return status
    now = datetime.now(UTC)
    if job.report_bucket:
        s3 = s3_client(options.endpoint_url)
        location = upload_manifest(s3, job.report_bucket, body, now)
        print(f"uploaded the manifest to {location.object_arn}", file=err)
    else:
        location = ManifestLocation(
            f"arn:aws:s3:::{PLACEHOLDER.format('report-bucket')}/{manifest_key(now)}",
            PLACEHOLDER.format("ETag of the uploaded manifest"),
        )
    request = batch_job_request(
        function_arn=job.function_arn or PLACEHOLDER.format("function-arn"),
        role_arn=job.role_arn or PLACEHOLDER.format("batch-operations-role-arn"),
        manifest=location,
        report_bucket=job.report_bucket or PLACEHOLDER.format("report-bucket"),
        client_request_token=str(uuid.uuid4()),
        priority=job.priority,
        description=f"article-extractor backfill of {options.source}",
        reprocess=options.reprocess,
    )
    document = json.dumps(request, indent=2, ensure_ascii=False)
    if not job.create:
        print(document, file=out)
        if not job.report_bucket:
            print(
                f"to run it: upload the manifest ({options.manifest_path or 'FILE.csv'}) to "
                f"s3://<report-bucket>/{manifest_key(now)} and put its ARN and ETag (printed by "
                "`aws s3api put-object`) in Manifest.Location",
                file=err,
            )
        if not (job.function_arn and job.role_arn and job.report_bucket):
            print(
                "fill in the <...> values, save the request as request.json, then: "
                "aws s3control create-job --account-id <id> --cli-input-json file://request.json",
                file=err,
            )
        return status
    print(document, file=err)
    assert job.function_arn is not None  # the command requires it with --create-job
    job_id = create_batch_job(request, job.account_id, function_region(job.function_arn))
    print(job_id, file=out)
    print(f"created S3 Batch Operations job {job_id}", file=err)
    return status
