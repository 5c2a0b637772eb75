"""End to end through moto's server on 127.0.0.1: a real bucket notification to a real queue,
real boto3 clients, the local worker passing Lambda's SQS event to the real handler."""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator

import pytest

from article_extractor.handler import lambda_handler
from article_extractor.keys import SUPPORTED_SUFFIXES, output_key
from article_extractor_tools.local import (
    NOTIFIED_EVENTS,
    LocalPipeline,
    create_pipeline,
    drain,
    lambda_environment,
    moto_server,
    poll_once,
    read_results,
    run_demo,
)
from tests.conftest import FIXTURES, ROOT, SAMPLES, assert_valid_output

pytestmark = pytest.mark.e2e
ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def pipeline(endpoint: str, request: pytest.FixtureRequest) -> Iterator[LocalPipeline]:
    name = request.node.name.replace("_", "-")[:40].lower()
    stack = create_pipeline(
        endpoint,
        input_bucket=f"in-{name}",
        output_bucket=f"out-{name}",
        queue_name=f"q-{name}",
    )
    with lambda_environment(stack):
        yield stack


def queue_depth(pipeline: LocalPipeline) -> tuple[int, int]:
    attributes = pipeline.sqs.get_queue_attributes(
        QueueUrl=pipeline.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_uploads_become_records_through_notification_and_queue(pipeline: LocalPipeline) -> None:
    uploads = {
        "news/quiet morning+more.html": ARTICLE,
        "unicodé/ページ.htm": ARTICLE,
        "legacy/russian.html": (SAMPLES / "russian-windows-1251.html").read_bytes(),
        "zipped/blog.html.gz": (SAMPLES / "compressed-blog-post.html.gz").read_bytes(),
        "zipped/story.htm.gz": gzip.compress(ARTICLE),
        "empty.html": b"",
    }
    for key, body in uploads.items():
        pipeline.s3.put_object(Bucket=pipeline.input_bucket, Key=key, Body=body)
    # Not matched by the notification's suffix filters (case-sensitive, as in S3): never reach
    # the function.
    for key in ("notes.txt", "PAGE.HTML", "zipped/STORY.HTM.GZ"):
        pipeline.s3.put_object(Bucket=pipeline.input_bucket, Key=key, Body=ARTICLE)

    received = drain(pipeline, lambda_handler)

    results = read_results(pipeline)
    assert received == len(uploads) + 1  # plus the s3:TestEvent sent when notifications are set
    assert sorted(results) == sorted(uploads)
    stored = pipeline.s3.list_objects_v2(Bucket=pipeline.output_bucket)["Contents"]
    assert sorted(item["Key"] for item in stored) == sorted(
        output_key(pipeline.output_prefix, key) for key in uploads
    )  # each record where its key's result goes (read_results files them by the key they name)
    assert "extracted/news/quiet morning+more.html.json" in {item["Key"] for item in stored}
    for document in results.values():
        assert_valid_output(document)
    assert {key: doc["status"] for key, doc in results.items()} == {
        "news/quiet morning+more.html": "ok",
        "unicodé/ページ.htm": "ok",
        "legacy/russian.html": "ok",
        "zipped/blog.html.gz": "ok",
        "zipped/story.htm.gz": "ok",
        "empty.html": "empty",
    }
    assert "Осенняя ярмарка" in results["legacy/russian.html"]["document"]["text"]
    assert queue_depth(pipeline) == (0, 0)


def test_local_stack_notifies_exactly_the_supported_suffixes(pipeline: LocalPipeline) -> None:
    configuration = pipeline.s3.get_bucket_notification_configuration(Bucket=pipeline.input_bucket)
    notified = [
        (event, rule["Name"], rule["Value"])
        for queue in configuration["QueueConfigurations"]
        for event in queue["Events"]
        for rule in queue["Filter"]["Key"]["FilterRules"]
    ]
    assert sorted(notified) == sorted(
        (event, "suffix", suffix) for event in NOTIFIED_EVENTS for suffix in SUPPORTED_SUFFIXES
    )
    assert {queue["QueueArn"] for queue in configuration["QueueConfigurations"]} == {
        pipeline.queue_arn
    }


def test_failed_write_is_retried_not_lost(endpoint: str) -> None:
    stack = create_pipeline(
        endpoint, "in-retry", "out-retry", queue_name="q-retry", visibility_timeout=1
    )
    with lambda_environment(stack):
        stack.s3.delete_bucket(Bucket=stack.output_bucket)
        stack.s3.put_object(Bucket=stack.input_bucket, Key="a.html", Body=ARTICLE)
        drain(stack, lambda_handler)  # acknowledges the s3:TestEvent, fails the object's message
        assert queue_depth(stack) == (0, 1)  # in flight until its visibility timeout: not lost
        assert read_results(stack) == {}  # (listing a missing bucket yields nothing)

        stack.s3.create_bucket(Bucket=stack.output_bucket)
        # Long-poll until the message is visible again, as Lambda's poller would.
        assert poll_once(stack, lambda_handler, wait_seconds=10) == 1

        assert read_results(stack)["a.html"]["status"] == "ok"
        assert queue_depth(stack) == (0, 0)


def test_demo_prints_the_table_with_correct_statuses() -> None:
    out = io.StringIO()
    assert run_demo(SAMPLES, out=out) == 0
    table = out.getvalue()
    rows = {line.split()[0]: line for line in table.splitlines() if line.startswith("demo/")}
    assert set(rows) == {
        "demo/Straßenbahn",  # key with spaces: first token only
        "demo/broken-upload.html.gz",
        "demo/compressed-blog-post.html.gz",
        "demo/empty.html",
        "demo/english-news-article.html",
        "demo/russian-windows-1251.html",
    }
    assert " ok " in rows["demo/english-news-article.html"]
    assert " failed " in rows["demo/broken-upload.html.gz"]
    assert "invalid_gzip" in rows["demo/broken-upload.html.gz"]
    assert " empty " in rows["demo/empty.html"]
    assert "empty_input" in rows["demo/empty.html"]
    assert " ok " in rows["demo/Straßenbahn"]
    assert "Осенняя ярмарка" in rows["demo/russian-windows-1251.html"]
    # One message more than uploads, and the output says which one.
    assert "the worker received 7 SQS messages and passed them to lambda_handler:" in table
    assert "\n  6 upload notifications\n  1 s3:TestEvent (S3 sends one when" in table
    assert "\n6 results in s3://article-output/extracted/:\n" in table
    # The README shows what `make demo` prints, the server's port aside.
    shown = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", table).rstrip("\n")
    assert shown in readme_code_blocks()


def readme_code_blocks() -> list[str]:
    blocks, current, inside = [], [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append("\n".join(current))
            inside, current = not inside, []
        elif inside:
            current.append(line)
    return blocks
