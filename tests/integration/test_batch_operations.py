"""S3 Batch Operations invoking the function over existing objects (schema 2.0 and 1.0)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from article_extractor.handler import lambda_handler
from article_extractor.local import LocalLambdaContext
from tests.conftest import FIXTURES
from tests.integration.conftest import INPUT_BUCKET, OUTPUT_BUCKET, Buckets

ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()


def batch_event(tasks: list[dict[str, Any]], schema: str = "2.0") -> dict[str, Any]:
    return {
        "invocationSchemaVersion": schema,
        "invocationId": "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
        "job": {"id": "f3cc4f60-61f6-4a2b-8a21-d07600c373ce", "userArguments": {}},
        "tasks": tasks,
    }


def task_v2(task_id: str, key: str, version: str | None = None) -> dict[str, Any]:
    return {"taskId": task_id, "s3Bucket": INPUT_BUCKET, "s3Key": quote_plus(key),
            "s3VersionId": version}  # fmt: skip


def test_schema_2_tasks_each_get_a_result(buckets: Buckets, context: LocalLambdaContext) -> None:
    buckets.put("archive/2019/a page+1.html", ARTICLE)
    buckets.put("archive/2019/empty.html", b"")
    event = batch_event(
        [
            task_v2("t1", "archive/2019/a page+1.html"),
            task_v2("t2", "archive/2019/empty.html"),
            task_v2("t3", "archive/2019/missing.html"),
        ]
    )

    response = lambda_handler(event, context)

    assert response["invocationSchemaVersion"] == "2.0"
    assert response["invocationId"] == event["invocationId"]
    assert response["treatMissingKeysAs"] == "PermanentFailure"
    results = {r["taskId"]: r for r in response["results"]}
    assert {t: r["resultCode"] for t, r in results.items()} == {
        "t1": "Succeeded",
        "t2": "Succeeded",  # an `empty` record is a result, not a failure
        "t3": "Succeeded",  # so is `object_not_found`: nothing to retry
    }
    assert results["t1"]["resultString"] == (
        f"ok s3://{OUTPUT_BUCKET}/extracted/archive/2019/a page+1.html.json"
    )
    assert buckets.result("archive/2019/a page+1.html")["status"] == "ok"
    assert buckets.result("archive/2019/empty.html")["error"]["code"] == "empty_input"
    assert buckets.result("archive/2019/missing.html")["error"]["code"] == "object_not_found"


def test_failure_to_store_is_a_temporary_failure(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("a.html", ARTICLE)
    buckets.s3.delete_bucket(Bucket=OUTPUT_BUCKET)  # the write fails: retry the task later
    response = lambda_handler(batch_event([task_v2("t1", "a.html")]), context)
    [result] = response["results"]
    assert result["resultCode"] == "TemporaryFailure"
    assert "NoSuchBucket" in result["resultString"]


def test_schema_1_tasks_name_the_bucket_by_arn(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("old.html", ARTICLE)
    task = {"taskId": "t1", "s3Key": "old.html", "s3VersionId": None,
            "s3BucketArn": f"arn:aws:s3:::{INPUT_BUCKET}"}  # fmt: skip
    response = lambda_handler(batch_event([task], schema="1.0"), context)
    assert response["results"][0]["resultCode"] == "Succeeded"
    assert buckets.result("old.html")["status"] == "ok"
