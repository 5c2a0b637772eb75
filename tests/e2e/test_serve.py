"""`article-extractor serve` as a user runs it: a process that prints how to upload, then
processes what is uploaded to its endpoint."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import boto3
import pytest

from tests.conftest import FIXTURES

pytestmark = pytest.mark.e2e
DEADLINE_SECONDS = 60


class Lines:
    """A process's stdout, read on a thread so waits are bounded by a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(
            target=lambda: [self._lines.put(line) for line in stdout], daemon=True
        ).start()

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
        [sys.executable, "-m", "article_extractor.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield process, Lines(process)
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

    lines.wait_for(r"^page\.html: ok$")
    result = s3.get_object(Bucket="article-output", Key="extracted/page.html.json")
    assert b'"status": "ok"' in result["Body"].read()

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=DEADLINE_SECONDS) == 0
