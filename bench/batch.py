"""Docs/s per invocation for SQS batches of N objects, against moto's server, with and without
read-ahead (READ_CONCURRENCY).

    python bench/batch.py [--sizes 1 10 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.events: the event shapes
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "CRITICAL")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

from tests.events import s3_event, s3_record, sqs_event, sqs_record

from article_extractor.aws.runtime import runtime
from article_extractor.handler import lambda_handler
from article_extractor_tools.local import (
    LocalLambdaContext,
    create_pipeline,
    lambda_environment,
    moto_server,
)

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args(argv)
    pages = [p.read_bytes() for p in sorted((ROOT / "tests/fixtures").glob("*.html"))]
    pages += [p.read_bytes() for p in sorted((ROOT / "samples").glob("*.html"))]
    with moto_server() as endpoint:
        pipeline = create_pipeline(endpoint, "bench-in", "bench-out", queue_name="bench-q")
        print(f"{'N':>5}{'read-ahead':>12}{'seconds':>10}{'docs/s':>9}")
        for size in args.sizes:
            keys = [f"batch-{size}/{n:04d}.html" for n in range(size)]
            for n, key in enumerate(keys):
                pipeline.s3.put_object(Bucket="bench-in", Key=key, Body=pages[n % len(pages)])
            for concurrency in ("0", "4"):
                with lambda_environment(pipeline, READ_CONCURRENCY=concurrency):
                    runtime().s3  # noqa: B018  # cold start (settings, S3 client) outside the timing
                    # New keys per run, so no run finds the previous run's results in place.
                    event = sqs_event(
                        *(sqs_record(s3_event(s3_record("bench-in", k))) for k in keys)
                    )
                    for result_key in pipeline.s3.list_objects_v2(Bucket="bench-out").get(
                        "Contents", []
                    ):
                        pipeline.s3.delete_object(Bucket="bench-out", Key=result_key["Key"])
                    started = time.perf_counter()
                    response = lambda_handler(event, LocalLambdaContext(timeout_seconds=900))
                    seconds = time.perf_counter() - started
                    assert response == {"batchItemFailures": []}, response
                print(f"{size:>5}{concurrency:>12}{seconds:>10.2f}{size / seconds:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
