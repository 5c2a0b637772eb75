"""`article-extractor serve` as a user runs it: a process that prints how to upload, then
processes what is uploaded to its endpoint, one line per object; and, in process, what its log
loop reads."""

from __future__ import annotations

import gzip
import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from article_extractor import handler
from article_extractor_tools import local
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

pytestmark = pytest.mark.e2e
DEADLINE_SECONDS = 60


class Lines:
    """Lines written by a process or a thread, waited for with a deadline."""

    def __init__(self) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        self.written: list[str] = []  # every line, waited for or not

    @classmethod
    def of(cls, process: subprocess.Popen[str]) -> Lines:
        """A process's stdout, read on a thread."""
        lines = cls()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
        return lines

    def put(self, line: str) -> None:
        self.written.append(line)
        self._lines.put(line)

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                break
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} within {DEADLINE_SECONDS}s")


@pytest.fixture
def serve_process() -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "article_extractor_tools.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield process, Lines.of(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=DEADLINE_SECONDS)


def test_serve_processes_an_upload_and_stops_on_interrupt(
    serve_process: tuple[subprocess.Popen[str], Lines],
) -> None:
    process, lines = serve_process
    endpoint = lines.wait_for(r"Local stack on (http://127\.0\.0\.1:\d+)").group(1)
    lines.wait_for(r"aws s3 cp page\.html s3://article-input/page\.html --endpoint-url")

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.put_object(
        Bucket="article-input",
        Key="page.html",
        Body=(FIXTURES / "minimal-article.html").read_bytes(),
    )

    lines.wait_for(r"^page\.html: ok -> s3://article-output/extracted/page\.html\.json$")
    result = s3.get_object(Bucket="article-output", Key="extracted/page.html.json")
    assert b'"status": "ok"' in result["Body"].read()

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=DEADLINE_SECONDS) == 0


def test_serve_on_a_busy_port_exits_with_a_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = subprocess.run(
            [sys.executable, "-m", "article_extractor_tools.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=DEADLINE_SECONDS,  # before the fix it waited forever
            check=False,
        )
    assert process.returncode == 2
    assert f"port {port} is in use" in process.stderr
    assert "Local stack on" not in process.stdout


class LineWriter(io.TextIOBase):
    """A text stream that hands each complete line to `Lines`."""

    def __init__(self, lines: Lines) -> None:
        self._lines = lines
        self._pending = ""

    def write(self, text: str) -> int:
        *complete, self._pending = (self._pending + text).split("\n")
        for line in complete:
            self._lines.put(line)
        return len(text)


def test_serve_reports_each_object_from_what_it_polled_not_from_the_bucket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")  # serve sets these; undone after
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    calls: Counter[str] = Counter()
    make_clients = local.clients

    def counted_clients(endpoint_url: str) -> tuple[S3Client, SQSClient]:
        s3, sqs = make_clients(endpoint_url)
        s3.meta.events.register("before-call.s3.*", lambda model, **_: calls.update([model.name]))
        return s3, sqs

    def stop_on_request(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if "stop.html" in json.dumps(event):
            raise KeyboardInterrupt
        return lambda_handler(event, context)

    lambda_handler = handler.lambda_handler
    monkeypatch.setattr(local, "clients", counted_clients)
    monkeypatch.setattr(handler, "lambda_handler", stop_on_request)
    lines = Lines()
    status: list[int] = []
    worker = threading.Thread(
        target=lambda: status.append(local.serve(0, out=LineWriter(lines))), daemon=True
    )
    worker.start()
    endpoint = lines.wait_for(r"Local stack on (http://127\.0\.0\.1:\d+)").group(1)
    lines.wait_for(r"Ctrl-C to stop")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    for n in range(50):  # results already there: a poll must not read them
        result = {"status": "ok", "source": {"bucket": "article-input", "key": f"old/{n}.html"}}
        s3.put_object(
            Bucket="article-output", Key=f"extracted/old/{n}.html.json", Body=json.dumps(result)
        )
    calls.clear()

    s3.put_object(
        Bucket="article-input", Key="a.html", Body=(FIXTURES / "minimal-article.html").read_bytes()
    )
    lines.wait_for(r"^a\.html: ok -> s3://article-output/extracted/a\.html\.json$")
    s3.put_object(Bucket="article-input", Key="b.htm.gz", Body=gzip.compress(b"<p>cut")[:12])
    lines.wait_for(
        r"^b\.htm\.gz: failed invalid_gzip -> s3://article-output/extracted/b\.htm\.gz\.json$"
    )
    s3.delete_object(Bucket="article-input", Key="a.html")
    lines.wait_for(r"^a\.html: removed s3://article-output/extracted/a\.html\.json$")
    s3.put_object(Bucket="article-input", Key="stop.html", Body=b"")
    lines.wait_for(r"^stopped$")
    worker.join(timeout=DEADLINE_SECONDS)

    assert status == [0]
    assert calls == Counter({"GetObject": 3})  # one result per reported object, no listing


def test_serve_says_when_an_upload_triggers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """An upload no notification matches (`product.HTML`: suffixes compare case-sensitively)
    gets a line naming the key and why, instead of silence."""
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")  # serve sets these; undone after
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    lambda_handler = handler.lambda_handler

    def stop_on_request(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if "stop.html" in json.dumps(event):
            raise KeyboardInterrupt
        return lambda_handler(event, context)

    monkeypatch.setattr(handler, "lambda_handler", stop_on_request)
    lines = Lines()
    worker = threading.Thread(target=lambda: local.serve(0, out=LineWriter(lines)), daemon=True)
    worker.start()
    endpoint = lines.wait_for(r"Local stack on (http://127\.0\.0\.1:\d+)").group(1)
    lines.wait_for(r"Ctrl-C to stop")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    page = (FIXTURES / "minimal-article.html").read_bytes()

    s3.put_object(Bucket="article-input", Key="product.HTML", Body=page)
    lines.wait_for(
        r"^product\.HTML: not processed: only keys ending in \.html, \.htm, \.html\.gz or "
        r"\.htm\.gz trigger, compared case-sensitively as S3 compares them "
        r"\(upload it as product\.html\)$"
    )
    s3.put_object(Bucket="article-input", Key="notes/read me.txt", Body=b"notes")
    lines.wait_for(r"^notes/read me\.txt: not processed: only keys ending in .* trigger$")
    s3.put_object(Bucket="article-output", Key="elsewhere.txt", Body=b"not an input bucket")
    s3.put_object(Bucket="article-input", Key="product.html", Body=page)
    lines.wait_for(r"^product\.html: ok -> s3://article-output/extracted/product\.html\.json$")
    s3.put_object(Bucket="article-input", Key="stop.html", Body=b"")
    lines.wait_for(r"^stopped$")
    worker.join(timeout=DEADLINE_SECONDS)
    assert not [line for line in lines.written if "elsewhere.txt" in line]  # not the input bucket
