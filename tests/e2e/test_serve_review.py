"""`serve`'s review pages: each object with text gets the address of its review under its
line, and that address answers the page (with the CSP as a header too), made when asked."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from lxml.html import document_fromstring

from article_extractor import handler
from article_extractor_tools import local
from article_extractor_tools.review import CONTENT_SECURITY_POLICY
from tests.conftest import FIXTURES
from tests.e2e.test_serve import DEADLINE_SECONDS, Lines, LineWriter

pytestmark = pytest.mark.e2e
PAGE = (FIXTURES / "review" / "article.html").read_bytes()
# Straight to 127.0.0.1, whatever proxy the environment names.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class OrderedLines(Lines):
    def next(self) -> str:
        """The next line, whatever it is."""
        return self._lines.get(timeout=DEADLINE_SECONDS)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with DIRECT.open(url, timeout=DEADLINE_SECONDS) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serve_links_each_result_to_its_review_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")  # serve sets these; undone after
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")

    def stop_on_request(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if "stop.html" in json.dumps(event):
            raise KeyboardInterrupt
        return lambda_handler(event, context)

    lambda_handler = handler.lambda_handler
    monkeypatch.setattr(handler, "lambda_handler", stop_on_request)
    lines = OrderedLines()
    status: list[int] = []
    worker = threading.Thread(
        target=lambda: status.append(local.serve(0, out=LineWriter(lines))), daemon=True
    )
    worker.start()
    endpoint = lines.wait_for(r"Local stack on (http://127\.0\.0\.1:\d+)").group(1)
    base = lines.wait_for(r"(http://127\.0\.0\.1:\d+)/review/<key>").group(1)
    lines.wait_for(r"Ctrl-C to stop")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")

    s3.put_object(
        Bucket="article-input",
        Key="news/quay page.html",
        Body=PAGE,
        Metadata={"source-url": "https://harbour.example/quay"},
    )
    lines.wait_for(r"^news/quay page\.html: ok -> s3://article-output/extracted/")
    link = lines.wait_for(r"^  review: (http://127\.0\.0\.1:\d+/review/\S+)$").group(1)
    assert link == f"{base}/review/news/quay%20page.html"
    code, headers, body = fetch(link)
    assert code == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = document_fromstring(body)
    blocks = page.find_class("block")
    assert {block.get("data-decision") for block in blocks} == {"kept", "removed"}
    assert "rule:newsletter_signup" in {block.get("data-by") for block in blocks}
    assert "news/quay page.html" in page.findtext(".//h1")

    assert fetch(f"{base}/review/no-such-page.html")[0] == 404
    assert fetch(f"{base}/elsewhere")[0] == 404

    s3.put_object(Bucket="article-input", Key="b.htm.gz", Body=gzip.compress(b"<p>cut")[:12])
    lines.wait_for(r"^b\.htm\.gz: failed invalid_gzip -> ")
    s3.put_object(Bucket="article-input", Key="stop.html", Body=b"")
    assert lines.next() == "stopped"  # no review line for an object without text
    worker.join(timeout=DEADLINE_SECONDS)
    assert status == [0]


def test_serve_stops_on_interrupt_even_when_started_with_it_ignored() -> None:
    """A background job of a script starts with SIGINT ignored; Ctrl-C must still stop serve."""
    process = subprocess.Popen(
        [sys.executable, "-m", "article_extractor_tools.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        lines = OrderedLines.of(process)
        lines.wait_for(r"Ctrl-C to stop")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=DEADLINE_SECONDS) == 0
        lines.wait_for(r"^stopped$")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=DEADLINE_SECONDS)
