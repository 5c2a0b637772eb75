"""S3 Batch Operations invoking the function over existing objects (schema 2.0 and 1.0)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from article_extractor.handler import lambda_handler
from article_extractor_tools.local import LocalLambdaContext
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
        "t3": "PermanentFailure",  # no object: nothing to retry, and no result is kept
    }
    assert results["t3"]["resultString"] == (
        f"s3://{INPUT_BUCKET}/archive/2019/missing.html does not exist; no result is kept"
    )
    assert results["t1"]["resultString"] == (
        f"ok s3://{OUTPUT_BUCKET}/extracted/archive/2019/a page+1.html.json"
    )
    assert buckets.result("archive/2019/a page+1.html")["status"] == "ok"
    assert buckets.result("archive/2019/empty.html")["error"]["code"] == "empty_input"
    assert "extracted/archive/2019/missing.html.json" not in buckets.output_keys()


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


def test_a_malformed_task_fails_alone(buckets: Buckets, context: LocalLambdaContext) -> None:
    buckets.put("fine.html", ARTICLE)
    tasks: list[Any] = [
        {"taskId": "no-key", "s3Bucket": INPUT_BUCKET, "s3VersionId": None},
        {"taskId": "int-key", "s3Bucket": INPUT_BUCKET, "s3Key": 7},
        {"taskId": "no-bucket", "s3Key": "fine.html"},
        "not a task",
        task_v2("good", "fine.html"),
    ]
    response = lambda_handler(batch_event(tasks), context)
    codes = {r["taskId"]: r["resultCode"] for r in response["results"]}
    assert codes == {
        "no-key": "PermanentFailure",
        "int-key": "PermanentFailure",
        "no-bucket": "PermanentFailure",
        "task-3": "PermanentFailure",
        "good": "Succeeded",
    }
    assert all("None" not in r["resultString"] for r in response["results"])
    assert buckets.result("fine.html")["status"] == "ok"


def test_result_strings_never_name_a_missing_output(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    """A task for the function's own output is ignored: its report line names no output key."""
    task = {"taskId": "own", "s3Bucket": OUTPUT_BUCKET, "s3Key": "extracted/a.html.json"}
    [result] = lambda_handler(batch_event([task]), context)["results"]
    assert (result["resultCode"], result["resultString"]) == ("Succeeded", "ignored")


def test_reprocess_job_argument_replaces_results_of_an_older_package(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("a.html", ARTICLE)
    lambda_handler(batch_event([task_v2("t1", "a.html")]), context)
    key = "extracted/a.html.json"
    head = buckets.s3.head_object(Bucket=OUTPUT_BUCKET, Key=key)
    older = {**head["Metadata"], "package-version": "0.0.1"}
    buckets.s3.copy_object(
        Bucket=OUTPUT_BUCKET, Key=key, CopySource={"Bucket": OUTPUT_BUCKET, "Key": key},
        Metadata=older, MetadataDirective="REPLACE", ContentType="application/json",
    )  # fmt: skip
    again = lambda_handler(batch_event([task_v2("t2", "a.html")]), context)
    assert again["results"][0]["resultString"].startswith("unchanged ")
    event = batch_event([task_v2("t3", "a.html")])
    event["job"]["userArguments"] = {"reprocess": "true"}
    assert lambda_handler(event, context)["results"][0]["resultString"].startswith("ok ")
    meta = buckets.s3.head_object(Bucket=OUTPUT_BUCKET, Key=key)["Metadata"]
    assert meta["package-version"] != "0.0.1"
