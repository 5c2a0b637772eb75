"""The embedded local stack behind `make demo` and `article-extractor serve`.

A moto server on 127.0.0.1 plays S3 and SQS: an input bucket notifies a queue (suffix filters as
in `template.yaml`), and a local worker receives the messages and calls `lambda_handler` with
exactly the event Lambda's SQS poller would pass, then deletes what the handler did not report as
failed. No AWS account or network is involved.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import queue
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote, unquote, urlsplit

import boto3

from article_extractor.aws.events import UnsupportedEventError, refs_from_sqs_record
from article_extractor.aws.runtime import s3_client
from article_extractor.config import Settings
from article_extractor.errors import ErrorCode
from article_extractor.inputs import ObjectRef
from article_extractor.keys import (
    SUPPORTED_SUFFIXES,
    is_supported_key,
    output_key,
    supported_suffixes_text,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.literals import EventType
    from mypy_boto3_s3.type_defs import QueueConfigurationTypeDef
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType
    from mypy_boto3_sqs.type_defs import MessageTypeDef

    from article_extractor.options import ProcessingOptions

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# As template.yaml: creations and restores are extracted, removals delete their result.
NOTIFIED_EVENTS: tuple[EventType, ...] = (
    "s3:ObjectCreated:*",
    "s3:ObjectRemoved:*",
    "s3:ObjectRestore:Completed",
)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
# Told of each object the server stored (bucket, key), whether or not a notification matched it.
UploadObserver = Callable[[str, str], None]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class LocalLambdaContext:
    """The attributes of Lambda's context object that the handler and Powertools read."""

    function_name: str = "article-extractor-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    timeout_seconds: float = 60.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/article-extractor-local"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class LocalPipeline:
    """The AWS shape of one deployment, on a local endpoint."""

    endpoint_url: str
    input_bucket: str
    output_bucket: str
    output_prefix: str
    queue_url: str
    queue_arn: str
    s3: S3Client
    sqs: SQSClient
    dead_letter_queue_url: str | None = None


class PortUnavailableError(OSError):
    """The server could not listen on the port asked for (e.g. another `serve` holds it)."""


def stored_object(environ: Mapping[str, Any]) -> tuple[str, str] | None:
    """(bucket, key) when a request stores an object: PutObject or CopyObject (a PUT to a
    path-style key with no sub-resource) or CompleteMultipartUpload (a POST with `uploadId`).

    Example::

        stored_object({"REQUEST_METHOD": "PUT", "PATH_INFO": "/in/a.HTML"})  # ("in", "a.HTML")
    """
    method, query = environ.get("REQUEST_METHOD"), environ.get("QUERY_STRING", "")
    if not ((method == "PUT" and not query) or (method == "POST" and "uploadId=" in query)):
        return None
    # WSGI gives the decoded path as latin-1 characters, one per byte; keys are UTF-8.
    path = str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")
    bucket, _, key = path.lstrip("/").partition("/")
    return (bucket, key) if bucket and key else None


def observe_uploads(app: WsgiApp, observer: UploadObserver) -> WsgiApp:
    """`app`, telling `observer` of each object it stored (a 200 answer to `stored_object`)."""

    def observed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            stored = stored_object(environ)
            if stored is not None and status.startswith("200"):
                observer(*stored)
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return observed


@contextmanager
def moto_server(port: int = 0, on_upload: UploadObserver | None = None) -> Iterator[str]:
    """Start moto's server on 127.0.0.1 (port 0: any free port) and yield its endpoint URL.
    `on_upload` is told of every object stored through it (`serve` uses it to report uploads
    that no notification matched).

    Raises `PortUnavailableError` (naming the port) when it cannot listen there.

    Example::

        with moto_server() as endpoint:
            pipeline = create_pipeline(endpoint)
    """
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
    # Bound here: werkzeug exits the process when it cannot bind, and moto's ThreadedMotoServer
    # then waits forever for its server thread.
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug would
        try:
            listener.bind(("127.0.0.1", port))
            listener.listen()
        except OSError as error:
            reason = "is in use" if error.errno == errno.EADDRINUSE else f"is unavailable: {error}"
            raise PortUnavailableError(error.errno, f"port {port} {reason}") from error
        app: WsgiApp = DomainDispatcherApplication(create_backend_app)
        if on_upload is not None:
            app = observe_uploads(app, on_upload)
        server = make_server(
            "127.0.0.1",
            port,
            app,
            threaded=True,
            request_handler=MotoRequestHandler,
            fd=listener.fileno(),  # werkzeug serves a duplicate of this socket
        )
    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@contextmanager
def lambda_environment(pipeline: LocalPipeline, **extra: str) -> Iterator[None]:
    """The environment the deployed function would have, pointed at the local endpoint."""
    from article_extractor.aws.runtime import runtime

    values = {
        **FAKE_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": pipeline.endpoint_url,
        "OUTPUT_BUCKET": pipeline.output_bucket,
        "OUTPUT_PREFIX": pipeline.output_prefix,
        **extra,
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    runtime.cache_clear()  # a fresh "cold start" with these settings
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        runtime.cache_clear()


def clients(endpoint_url: str) -> tuple[S3Client, SQSClient]:
    session = boto3.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    return (
        s3_client(endpoint_url, session),
        session.client("sqs", endpoint_url=endpoint_url),
    )


def create_pipeline(
    endpoint_url: str,
    input_bucket: str = "article-input",
    output_bucket: str = "article-output",
    output_prefix: str = "extracted/",
    queue_name: str = "article-extractor-queue",
    visibility_timeout: int = 30,
    dead_letter_after: int | None = None,
) -> LocalPipeline:
    """Buckets, queue (and, with `dead_letter_after` receives, its dead-letter queue) and the
    input bucket's notification to the queue, as deployed."""
    s3, sqs = clients(endpoint_url)
    for bucket in (input_bucket, output_bucket):
        s3.create_bucket(Bucket=bucket)
    attributes: dict[QueueAttributeNameType, str] = {"VisibilityTimeout": str(visibility_timeout)}
    if dead_letter_after is not None:
        dead_letters = sqs.create_queue(QueueName=f"{queue_name}-dlq")["QueueUrl"]
        dead_letter_arn = sqs.get_queue_attributes(
            QueueUrl=dead_letters, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": str(dead_letter_after)}
        )
    queue_url = sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    configurations: list[QueueConfigurationTypeDef] = [
        {
            "Id": f"{event.split(':')[1]}-{suffix.strip('.').replace('.', '-')}",
            "QueueArn": queue_arn,
            "Events": [event],
            "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": suffix}]}},
        }
        for event in NOTIFIED_EVENTS
        for suffix in SUPPORTED_SUFFIXES
    ]
    s3.put_bucket_notification_configuration(
        Bucket=input_bucket, NotificationConfiguration={"QueueConfigurations": configurations}
    )
    return attach_pipeline(endpoint_url, input_bucket, output_bucket, output_prefix, queue_name)


def attach_pipeline(
    endpoint_url: str,
    input_bucket: str,
    output_bucket: str,
    output_prefix: str,
    queue_name: str,
) -> LocalPipeline:
    """The handles of an existing local pipeline (e.g. from another worker process)."""
    s3, sqs = clients(endpoint_url)
    queue_url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    dead_letter_url = None
    if "RedrivePolicy" in attributes:
        target = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
        dead_letter_url = sqs.get_queue_url(QueueName=target.rsplit(":", 1)[-1])["QueueUrl"]
    return LocalPipeline(
        endpoint_url,
        input_bucket,
        output_bucket,
        output_prefix,
        queue_url,
        attributes["QueueArn"],
        s3,
        sqs,
        dead_letter_url,
    )


def sqs_lambda_event(messages: list[MessageTypeDef], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping passes for these received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": dict(message.get("MessageAttributes", {})),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


@dataclass(frozen=True)
class Poll:
    """What one poll received, as the handler saw it, and which messages it reported failed."""

    records: list[dict[str, Any]] = field(default_factory=list)
    failed: frozenset[str] = frozenset()


def poll_once(pipeline: LocalPipeline, handler: Handler, wait_seconds: int = 0) -> int:
    """Receive up to 10 messages, invoke the handler once, delete what succeeded.

    Returns the number of messages received (0 when the queue had nothing visible).
    """
    return len(poll(pipeline, handler, wait_seconds).records)


def poll(pipeline: LocalPipeline, handler: Handler, wait_seconds: int = 0) -> Poll:
    """`poll_once`, returning the SQS records passed to the handler and the failed message ids.

    Example::

        handled = poll(pipeline, lambda_handler, wait_seconds=5)
        [record["messageId"] for record in handled.records], handled.failed
    """
    received = pipeline.sqs.receive_message(
        QueueUrl=pipeline.queue_url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=wait_seconds,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    messages = received.get("Messages", [])
    if not messages:
        return Poll()
    event = sqs_lambda_event(messages, pipeline.queue_arn)
    response = handler(event, LocalLambdaContext())
    failed = frozenset(item["itemIdentifier"] for item in response.get("batchItemFailures", []))
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        pipeline.sqs.delete_message_batch(
            QueueUrl=pipeline.queue_url,
            Entries=[
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(done)
            ],
        )
    return Poll(event["Records"], failed)


def drain(pipeline: LocalPipeline, handler: Handler) -> int:
    """Poll until the queue has no visible message; returns how many messages were received."""
    return len(drain_records(pipeline, handler))


def drain_records(pipeline: LocalPipeline, handler: Handler) -> list[dict[str, Any]]:
    """`drain`, returning the SQS records the handler was given."""
    records: list[dict[str, Any]] = []
    while handled := poll(pipeline, handler).records:
        records += handled
    return records


def is_test_event(record: Mapping[str, Any]) -> bool:
    """The `s3:TestEvent` message S3 sends to a queue when a bucket's notification is set up."""
    try:
        body = json.loads(record.get("body") or "")
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("Event") == "s3:TestEvent"


def sample_files(directory: Path) -> list[Path]:
    return sorted(
        path for path in directory.iterdir() if path.is_file() and not path.name.startswith(".")
    )


def demo_key(path: Path) -> str:
    """Sample keys under `demo/`; one name shows the decoding of spaces, `+` and non-ASCII."""
    if path.name.startswith("deutscher-artikel"):
        return "demo/Straßenbahn + Bücherei/deutscher artikel.html"
    return f"demo/{path.name}"


def upload(pipeline: LocalPipeline, key: str, body: bytes, metadata: Mapping[str, str]) -> None:
    pipeline.s3.put_object(
        Bucket=pipeline.input_bucket, Key=key, Body=body, Metadata=dict(metadata)
    )


def read_results(pipeline: LocalPipeline) -> dict[str, dict[str, Any]]:
    """Every result document in the output bucket, by source key."""
    results: dict[str, dict[str, Any]] = {}
    if pipeline.output_bucket not in {b["Name"] for b in pipeline.s3.list_buckets()["Buckets"]}:
        return results
    paginator = pipeline.s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=pipeline.output_bucket, Prefix=pipeline.output_prefix):
        for item in page.get("Contents", []):
            body = pipeline.s3.get_object(Bucket=pipeline.output_bucket, Key=item["Key"])["Body"]
            document = json.loads(body.read())
            results[document["source"]["key"]] = document
    return results


def results_table(results: Mapping[str, Mapping[str, Any]]) -> str:
    rows = [("key", "status", "title", "words", "error")]
    for key in sorted(results):
        document = results[key]
        article = document.get("document") or {}
        rows.append(
            (
                key,
                document["status"],
                _shorten(article.get("title") or "", 48),
                str(article.get("word_count", "")),
                (document.get("error") or {}).get("code", ""),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def quiet_function_output() -> None:
    """Demo and serve print a table, not the function's JSON logs and EMF metrics (which
    Powertools reads from the environment when the handler module is imported)."""
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


def run_demo(samples: Path, out: TextIO) -> int:
    """Upload every sample page, process the queue with the real handler, print the results."""
    quiet_function_output()
    from article_extractor.handler import lambda_handler

    if not samples.is_dir():
        print(f"error: no samples directory at {samples}", file=out)
        return 2
    with moto_server() as endpoint:
        pipeline = create_pipeline(endpoint)
        with lambda_environment(pipeline):
            uploaded = []
            for path in sample_files(samples):
                key = demo_key(path)
                url = f"https://example.com/{path.stem}" if path.stem.startswith("english") else ""
                upload(pipeline, key, path.read_bytes(), {"source-url": url} if url else {})
                uploaded.append(key)
            records = drain_records(pipeline, lambda_handler)
            results = read_results(pipeline)
    notified = [key for key in uploaded if is_supported_key(key)]
    test_events = sum(1 for record in records if is_test_event(record))
    print(
        f"moto server {endpoint}: uploaded {len(uploaded)} objects to s3://{pipeline.input_bucket}",
        file=out,
    )
    print(
        f"the worker received {len(records)} SQS messages and passed them to lambda_handler:\n"
        f"  {len(records) - test_events} upload notifications\n"
        f"  {test_events} s3:TestEvent (S3 sends one when a bucket's notification is set up; "
        "the function ignores it)\n"
        f"{len(results)} results in s3://{pipeline.output_bucket}/{pipeline.output_prefix}:\n",
        file=out,
    )
    print(results_table(results), file=out)
    missing = sorted(set(notified) - set(results))
    if missing:
        print(f"\nerror: no result for {missing}", file=out)
        return 1
    return 0


def poll_report(
    pipeline: LocalPipeline, handled: Poll, review_url: str | None = None
) -> Iterator[str]:
    """One line per object the poll handled: key, status, error code, result key; with
    `review_url` (a `review_server`'s), an object with text to review gets a second line, the
    address of its review page.

    Reads only the results of the objects named by the poll's messages, so its cost follows
    what was uploaded, not what the output bucket holds.

    Example::

        for line in poll_report(pipeline, poll(pipeline, lambda_handler, wait_seconds=5)):
            print(line)  # "news/page.html: ok -> s3://article-output/extracted/news/page.html.json"
    """
    for record in handled.records:
        try:
            refs = refs_from_sqs_record(record)
        except UnsupportedEventError as error:
            yield f"message {record['messageId']}: failed (not an S3 notification: {error})"
            continue
        for ref in refs:
            target = output_key(pipeline.output_prefix, ref.key)
            where = f"s3://{pipeline.output_bucket}/{target}"
            if record["messageId"] in handled.failed:
                yield f"{ref.key}: retrying (the message returns to the queue) -> {where}"
                continue
            document = _stored_result(pipeline, target)
            if ref.is_removal:
                state = "removed" if document is None else "kept"  # newer, or DELETE_ON_REMOVE
                yield f"{ref.key}: {state} {where}"
            elif document is None:
                yield f"{ref.key}: no result -> {where}"
            else:
                code = (document.get("error") or {}).get("code")
                status = f"{document['status']} {code}" if code else document["status"]
                yield f"{ref.key}: {status} -> {where}"
                if review_url is not None and document["status"] in ("ok", "empty"):
                    yield f"  review: {review_url}/review/{quote(ref.key)}"


def untriggered_report(
    pipeline: LocalPipeline, uploads: queue.SimpleQueue[tuple[str, str]] | None
) -> Iterator[str]:
    """One line per upload to the input bucket that no notification matched (so no message
    will ever name it), from what the server stored since the last call."""
    while uploads is not None and not uploads.empty():
        bucket, key = uploads.get()
        if bucket == pipeline.input_bucket and not is_supported_key(key):
            yield f"{key}: not processed: {untriggered_reason(key)}"


def untriggered_reason(key: str) -> str:
    """Why an upload of `key` triggers nothing, and the key that would.

    Example::

        untriggered_reason("product.HTML")
        # "only keys ending in .html, .htm, .html.gz or .htm.gz trigger, compared
        #  case-sensitively as S3 compares them (upload it as product.html)"
    """
    reason = f"only keys ending in {supported_suffixes_text()} trigger"
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if key.lower().endswith(suffix):
            renamed = key[: -len(suffix)] + suffix
            return (
                f"{reason}, compared case-sensitively as S3 compares them (upload it as {renamed})"
            )
    return reason


def _stored_result(pipeline: LocalPipeline, key: str) -> dict[str, Any] | None:
    try:
        body = pipeline.s3.get_object(Bucket=pipeline.output_bucket, Key=key)["Body"]
    except pipeline.s3.exceptions.NoSuchKey:
        return None
    document: dict[str, Any] = json.loads(body.read())
    return document


REVIEW_PATH = "/review/"


@contextmanager
def review_server(
    pipeline: LocalPipeline, options: ProcessingOptions, port: int = 0
) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (port 0: any free port) whose `GET /review/<key>` answers
    the review page (`review.review_html`) of the input object `<key>` as it is now, processed
    with `options`; yields its base URL. Pages are made when asked for, so polling never pays
    for them.

    Example::

        with review_server(pipeline, settings.processing_options()) as base:
            urllib.request.urlopen(f"{base}/review/page.html").read()
    """
    from article_extractor.aws.storage import S3ObjectReader
    from article_extractor_tools.review import (
        CONTENT_SECURITY_POLICY,
        review_document,
        review_html,
    )

    reader = S3ObjectReader(pipeline.s3)

    class ReviewHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if not path.startswith(REVIEW_PATH) or len(path) == len(REVIEW_PATH):
                self._answer(404, "text/plain", b"review pages are at /review/<key>\n")
                return
            key = unquote(path.removeprefix(REVIEW_PATH))
            ref = ObjectRef(bucket=pipeline.input_bucket, key=key)
            document = review_document(ref, reader, options)
            if document.error is not None and document.error.code == ErrorCode.OBJECT_NOT_FOUND:
                self._answer(404, "text/plain", f"no object {key!r}\n".encode())
                return
            self._answer(200, "text/html; charset=utf-8", review_html(document).encode())

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # serve prints one line per object, not one per request

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), ReviewHandler)
    except OSError as error:
        reason = "is in use" if error.errno == errno.EADDRINUSE else f"is unavailable: {error}"
        raise PortUnavailableError(error.errno, f"review port {port} {reason}") from error
    thread = threading.Thread(target=server.serve_forever, name="review-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def serve(port: int, out: TextIO, err: TextIO | None = None, review_port: int = 0) -> int:
    """Keep the stack running; process uploads until Ctrl-C. Each object with text gets the
    address of its review page (`review_server` on `review_port`).

    Returns the exit status: 0 when stopped, 2 when a port is unavailable.
    """
    quiet_function_output()
    from article_extractor.handler import lambda_handler

    uploads: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
    try:
        with moto_server(
            port, on_upload=lambda bucket, key: uploads.put((bucket, key))
        ) as endpoint:
            _serve_on(endpoint, lambda_handler, out, uploads, review_port)
    except PortUnavailableError as error:
        print(
            f"error: {error.strerror}; choose another with --port",
            file=err or sys.stderr,
            flush=True,
        )
        return 2
    return 0


def _serve_on(
    endpoint: str,
    handler: Handler,
    out: TextIO,
    uploads: queue.SimpleQueue[tuple[str, str]] | None = None,
    review_port: int = 0,
) -> None:
    pipeline = create_pipeline(endpoint)
    with (
        lambda_environment(pipeline),
        # processing as the function's settings (this environment's) say
        review_server(
            pipeline, Settings.from_environ(os.environ).processing_options(), review_port
        ) as review_url,
    ):
        print(
            f"Local stack on {endpoint} (moto: S3 + SQS, no AWS account).\n"
            f"Upload a page (a key ending in {supported_suffixes_text()}, lowercase), e.g.:\n\n"
            f"  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
            f"AWS_DEFAULT_REGION={REGION} \\\n"
            f"    aws s3 cp page.html s3://{pipeline.input_bucket}/page.html "
            f"--endpoint-url {endpoint}\n\n"
            f"then read its JSON:\n\n"
            f"  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
            f"AWS_DEFAULT_REGION={REGION} \\\n"
            f"    aws s3 cp s3://{pipeline.output_bucket}/{pipeline.output_prefix}"
            f"page.html.json - --endpoint-url {endpoint}\n\n"
            f"or open the review page printed under its line (what was kept, what was removed "
            f"and why: {review_url}/review/<key>).\n\n"
            "Processing uploads; Ctrl-C to stop.",
            file=out,
            flush=True,
        )
        try:
            while True:
                handled = poll(pipeline, handler, wait_seconds=5)
                for line in [
                    *untriggered_report(pipeline, uploads),
                    *poll_report(pipeline, handled, review_url),
                ]:
                    print(line, file=out, flush=True)
        except KeyboardInterrupt:
            print("stopped", file=out)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
