"""`article-extractor backfill` through moto's server on 127.0.0.1: real buckets, real boto3
clients, worker processes with their own clients. The S3 Batch Operations CreateJob request is
checked against botocore's service model (moto does not implement s3control CreateJob)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_plus

import boto3
import pytest
from botocore.validate import ParamValidator

from article_extractor.config import Settings
from article_extractor.inputs import ObjectRef
from article_extractor.keys import is_supported_key
from article_extractor_tools import backfill, progress
from article_extractor_tools.backfill import ManifestLocation, S3Location, batch_job_request
from article_extractor_tools.cli import main
from article_extractor_tools.local import moto_server
from tests.conftest import FIXTURES, SAMPLES, assert_valid_output

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

pytestmark = pytest.mark.e2e
PREFIX = "backfill/"
OUTPUT_PREFIX = "extracted/"
ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:article-extractor-extractor"
ROLE_ARN = "arn:aws:iam::123456789012:role/article-extractor-batch"
# Keys a manifest must carry URL-encoded: spaces, plus signs, commas, non-ASCII.
AWKWARD_KEYS = (
    f"{PREFIX}Straßenbahn + Bücherei/deutscher artikel.html",
    f"{PREFIX}a+b, c%20d/ページ.htm",
)


@dataclass
class Stack:
    endpoint: str
    s3: S3Client
    input_bucket: str
    output_bucket: str

    def backfill(self, *extra: str, workers: int = 2) -> list[str]:
        return [
            "backfill",
            f"s3://{self.input_bucket}/{PREFIX}",
            "--output-bucket",
            self.output_bucket,
            "--output-prefix",
            OUTPUT_PREFIX,
            "--workers",
            str(workers),
            "--endpoint-url",
            self.endpoint,
            *extra,
        ]

    def put(self, key: str, body: bytes, **extra: Any) -> str:
        response = self.s3.put_object(Bucket=self.input_bucket, Key=key, Body=body, **extra)
        return response["ETag"].strip('"')

    def results(self) -> dict[str, dict[str, Any]]:
        """Every stored record, by source key."""
        found: dict[str, dict[str, Any]] = {}
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.output_bucket, Prefix=OUTPUT_PREFIX):
            for item in page.get("Contents", []):
                body = self.s3.get_object(Bucket=self.output_bucket, Key=item["Key"])["Body"]
                document: dict[str, Any] = json.loads(body.read())
                found[document["source"]["key"]] = document
        return found


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def stack(endpoint: str, request: pytest.FixtureRequest) -> Stack:
    name = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:40].strip("-")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    for bucket in (f"in-{name}", f"out-{name}"):
        s3.create_bucket(Bucket=bucket)
    return Stack(endpoint, s3, f"in-{name}", f"out-{name}")


def upload_pages(stack: Stack) -> dict[str, str]:
    """About 30 pages under PREFIX plus objects the backfill must ignore; key -> ETag of the
    supported ones under the prefix."""
    pages = [*sorted(SAMPLES.iterdir()), *sorted(FIXTURES.glob("*.html"))]
    pages += sorted((FIXTURES / "clutter").glob("*.html"))
    etags = {
        f"{PREFIX}{path.name}": stack.put(f"{PREFIX}{path.name}", path.read_bytes())
        for path in pages
    }
    for key in AWKWARD_KEYS:
        etags[key] = stack.put(key, ARTICLE)
    stack.put(f"{PREFIX}notes.txt", b"not a page")  # unsupported key
    stack.put("elsewhere/outside.html", ARTICLE)  # outside the prefix
    assert all(is_supported_key(key) for key in etags)
    return etags


def summary_counts(stderr: str) -> dict[str, int]:
    """The counts of the final summary line (`... listed=30 done=29 skipped=0 failed=1 ...`)."""
    line = [line for line in stderr.splitlines() if line.startswith(("backfill ", "manifest "))][-1]
    return {name: int(value) for name, value in re.findall(r"(\w+)=(\d+)", line)}


def assert_valid_create_job(request: dict[str, Any]) -> None:
    """The request is what the real s3control service model accepts (botocore's validator)."""
    client = boto3.client("s3control", region_name="us-east-1")
    model = client.meta.service_model.operation_model("CreateJob")
    report = ParamValidator().validate({"AccountId": "123456789012", **request}, model.input_shape)
    assert not report.has_errors(), report.generate_report()


def test_backfill_processes_every_supported_object_then_resumes(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    etags = upload_pages(stack)

    assert main(stack.backfill()) == 0

    counts = summary_counts(capsys.readouterr().err)
    results = stack.results()
    assert sorted(results) == sorted(etags)  # nothing for notes.txt or outside the prefix
    for key, document in results.items():
        assert_valid_output(document)
        assert document["source"]["etag"] == etags[key]
    assert results[f"{PREFIX}broken-upload.html.gz"]["status"] == "failed"  # a record, no raise
    assert results[AWKWARD_KEYS[0]]["status"] == "ok"
    assert counts == counts | {"listed": len(etags), "skipped": 0, "failed": 1, "errors": 0}
    assert counts["done"] == len(etags) - 1

    # Run again: every result is current, so there is no rate to show.
    assert main(stack.backfill()) == 0
    stderr = capsys.readouterr().err
    counts = summary_counts(stderr)
    assert counts == counts | {"listed": len(etags), "done": 0, "skipped": len(etags), "failed": 0}
    assert "docs/s" not in stderr
    assert stderr.splitlines()[-1].startswith("nothing to process: every result is current")

    # Overwrite one input: only that one is processed.
    changed = f"{PREFIX}english-news-article.html"
    new_etag = stack.put(changed, ARTICLE)
    assert main(stack.backfill()) == 0
    counts = summary_counts(capsys.readouterr().err)
    assert counts == counts | {"done": 1, "skipped": len(etags) - 1, "failed": 0}
    document = stack.results()[changed]
    assert_valid_output(document)
    assert document["source"]["etag"] == new_etag
    assert document["document"]["title"].startswith("A quiet morning at the observatory")


def test_an_archived_object_gets_its_record_and_is_tried_again_next_run(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(6):
        stack.put(f"{PREFIX}page-{index}.html", ARTICLE)
    # Archived: GetObject answers 403 InvalidObjectState until the object is restored.
    archived = f"{PREFIX}page-3-archived.html"
    stack.put(archived, ARTICLE, StorageClass="GLACIER")

    assert main(stack.backfill()) == 0

    counts = summary_counts(capsys.readouterr().err)
    assert counts == counts | {"listed": 7, "done": 7, "failed": 0, "errors": 0}
    results = stack.results()
    assert (results[archived]["status"], results[archived]["error"]["code"]) == (
        "skipped",
        "object_archived",
    )

    # Its record is not current for good: once restored, the next run makes it.
    stack.s3.restore_object(Bucket=stack.input_bucket, Key=archived, RestoreRequest={"Days": 1})
    assert main(stack.backfill()) == 0
    counts = summary_counts(capsys.readouterr().err)
    assert counts == counts | {"done": 1, "skipped": 6, "errors": 0}
    assert stack.results()[archived]["status"] == "ok"


class FailingReader:
    """A reader whose S3 read fails the way a throttled or broken S3 call does after retries."""

    def read(self, ref: ObjectRef, max_bytes: int) -> Any:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow"}}, "GetObject")


def test_an_object_that_raises_is_an_error_outcome_not_an_exception(stack: Stack) -> None:
    stack.put(f"{PREFIX}a.html", ARTICLE)
    settings = Settings(output_bucket=stack.output_bucket)
    ref = ObjectRef(stack.input_bucket, f"{PREFIX}a.html")
    outcome = backfill.backfill_object(
        ref,
        stack.s3,
        FailingReader(),
        settings,
        check_only=False,  # type: ignore[arg-type]
    )
    assert outcome.outcome is backfill.Outcome.ERROR
    assert outcome.detail is not None and "SlowDown" in outcome.detail
    assert stack.results() == {}


def test_a_listing_that_fails_stops_with_exit_code_two(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.s3.delete_bucket(Bucket=stack.input_bucket)
    assert main(stack.backfill(workers=1)) == 2
    assert "NoSuchBucket" in capsys.readouterr().err


def restamp_as_made_by(stack: Stack, source_key: str, package_version: str) -> None:
    """Make a stored result look as if an older (or newer) package had made it."""
    key = f"{OUTPUT_PREFIX}{source_key}.json"
    head = stack.s3.head_object(Bucket=stack.output_bucket, Key=key)
    stack.s3.copy_object(
        Bucket=stack.output_bucket,
        Key=key,
        CopySource={"Bucket": stack.output_bucket, "Key": key},
        Metadata={**head["Metadata"], "package-version": package_version},
        MetadataDirective="REPLACE",
        ContentType="application/json",
    )


def test_reprocess_makes_again_only_results_of_an_older_package(
    stack: Stack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for index in range(3):
        stack.put(f"{PREFIX}p{index}.html", ARTICLE)
    assert main(stack.backfill(workers=1)) == 0
    restamp_as_made_by(stack, f"{PREFIX}p0.html", "0.0.1")  # before an upgrade
    restamp_as_made_by(stack, f"{PREFIX}p1.html", "999.0.0")  # a newer deployment's
    before = stack.results()
    capsys.readouterr()

    assert main(stack.backfill(workers=1)) == 0  # without --reprocess: all current
    counts = summary_counts(capsys.readouterr().err)
    assert counts == counts | {"done": 0, "skipped": 3}

    assert main(stack.backfill("--reprocess", workers=1)) == 0
    counts = summary_counts(capsys.readouterr().err)
    assert counts == counts | {"done": 1, "skipped": 2}
    after = stack.results()
    assert (
        after[f"{PREFIX}p0.html"]["extraction"]["processed_at"]
        != (before[f"{PREFIX}p0.html"]["extraction"]["processed_at"])
    )
    for kept in (f"{PREFIX}p1.html", f"{PREFIX}p2.html"):
        assert after[kept] == before[kept]

    # As a Batch Operations job: the request asks the function to re-process.
    restamp_as_made_by(stack, f"{PREFIX}p2.html", "0.0.1")
    manifest = tmp_path / "m.csv"
    assert main(stack.backfill("--reprocess", "--manifest", str(manifest), workers=1)) == 0
    request = json.loads(capsys.readouterr().out)
    assert request["Operation"]["LambdaInvoke"]["UserArguments"] == {"reprocess": "true"}
    assert_valid_create_job(request)
    assert [unquote(row[1]) for row in csv.reader(io.StringIO(manifest.read_text()))] == [
        f"{PREFIX}p2.html"
    ]


def test_disable_rule_keeps_those_lines_in_the_stored_records(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.put(f"{PREFIX}newsletter.html", (FIXTURES / "clutter" / "newsletter.html").read_bytes())
    assert main(stack.backfill("--disable-rule", "newsletter_signup", workers=1)) == 0
    assert summary_counts(capsys.readouterr().err)["done"] == 1
    record = stack.results()[f"{PREFIX}newsletter.html"]
    assert record["status"] == "ok"
    assert record["extraction"]["cleaning"] == {}  # the rule removes 3 lines of this page


@pytest.mark.parametrize(
    ("option", "setting"),
    [
        (["--disable-rule", "advertising"], "DISABLED_CLEANING_RULES"),
        (["--no-content-model"], "CONTENT_MODEL"),
    ],
)
def test_processing_options_are_not_for_a_batch_operations_job(
    option: list[str], setting: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["backfill", "s3://in/p/", "--output-bucket", "out", *option]
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--manifest", str(tmp_path / "m.csv")])
    assert exit_info.value.code == 2
    # The deployed function follows its own setting, not this command's.
    assert setting in capsys.readouterr().err


def test_no_content_model_stores_records_without_page_types(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.put(f"{PREFIX}page.html", (FIXTURES / "minimal-article.html").read_bytes())
    assert main(stack.backfill("--no-content-model", workers=1)) == 0
    record = stack.results()[f"{PREFIX}page.html"]
    assert record["extraction"]["content_model"]["outcome"] == "off"
    assert record["document"].get("page_type") is None


def test_manifest_lists_exactly_the_objects_to_process(
    stack: Stack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    processed = {f"{PREFIX}done-{index}.html": ARTICLE for index in range(4)}
    for key, body in processed.items():
        stack.put(key, body)
    assert main(stack.backfill()) == 0
    capsys.readouterr()
    for key in AWKWARD_KEYS:
        stack.put(key, ARTICLE)
    changed = f"{PREFIX}done-2.html"
    stack.put(changed, (SAMPLES / "english-news-article.html").read_bytes())
    stack.put(f"{PREFIX}notes.txt", b"ignored")
    report_bucket = f"{stack.input_bucket}-reports"[:63]
    stack.s3.create_bucket(Bucket=report_bucket)
    manifest = tmp_path / "manifest.csv"

    code = main(
        stack.backfill(
            "--manifest",
            str(manifest),
            "--report-bucket",
            report_bucket,
            "--function-arn",
            FUNCTION_ARN,
            "--role-arn",
            ROLE_ARN,
        )
    )

    captured = capsys.readouterr()
    assert code == 0
    expected = sorted([*AWKWARD_KEYS, changed])
    text = manifest.read_text(encoding="utf-8")
    assert text.isascii() and " " not in text and "+" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == 2 and row[0] == stack.input_bucket for row in rows)
    assert [unquote(row[1]) for row in rows] == expected
    assert [unquote_plus(row[1]) for row in rows] == expected  # `+` is never a bare plus
    counts = summary_counts(captured.err)
    assert counts == counts | {"listed": 6, "current": 3, "to_process": 3}
    # Nothing was processed: the new keys have no record, the changed one keeps its old one.
    results = stack.results()
    assert sorted(results) == sorted(processed)
    assert results[changed]["document"]["title"].startswith("A quiet morning")

    request = json.loads(captured.out)
    assert_valid_create_job(request)
    location = request["Manifest"]["Location"]
    uploaded_key = location["ObjectArn"].removeprefix(f"arn:aws:s3:::{report_bucket}/")
    assert uploaded_key.startswith("article-extractor/manifests/")
    uploaded = stack.s3.get_object(Bucket=report_bucket, Key=uploaded_key)
    assert uploaded["Body"].read() == manifest.read_bytes()
    assert uploaded["ETag"].strip('"') == location["ETag"]
    assert request["Operation"] == {
        "LambdaInvoke": {"FunctionArn": FUNCTION_ARN, "InvocationSchemaVersion": "2.0"}
    }
    assert request["Report"]["Bucket"] == f"arn:aws:s3:::{report_bucket}"
    assert request["RoleArn"] == ROLE_ARN


def test_manifest_without_report_bucket_prints_a_request_to_complete(
    stack: Stack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stack.put(f"{PREFIX}one.html", ARTICLE)
    manifest = tmp_path / "m.csv"

    assert main(stack.backfill("--manifest", str(manifest), workers=1)) == 0

    captured = capsys.readouterr()
    assert manifest.read_text() == f"{stack.input_bucket},{PREFIX}one.html\n"
    request = json.loads(captured.out)
    assert_valid_create_job(request)  # placeholders are strings of the right shape
    assert "<" in request["Manifest"]["Location"]["ETag"]
    assert "upload the manifest" in captured.err
    assert "aws s3control create-job" in captured.err
    assert stack.results() == {}


def test_batch_job_request_is_valid_for_the_service_model() -> None:
    request = batch_job_request(
        function_arn=FUNCTION_ARN,
        role_arn=ROLE_ARN,
        manifest=ManifestLocation(
            "arn:aws:s3:::reports/article-extractor/manifests/20260101T000000Z.csv",
            "9b2cf535f27731c974343645a3985328",
        ),
        report_bucket="reports",
        client_request_token="3f0c8e52-3b8c-4ef5-9a53-0d7e1c0f1b9e",
        priority=42,
        description="x" * 400,
    )
    assert_valid_create_job(request)
    assert request["ConfirmationRequired"] is False
    assert request["Manifest"]["Spec"] == {
        "Format": "S3BatchOperations_CSV_20180820",
        "Fields": ["Bucket", "Key"],
    }
    assert request["Report"] == {
        "Bucket": "arn:aws:s3:::reports",
        "Format": "Report_CSV_20180820",
        "Enabled": True,
        "Prefix": "article-extractor/reports",
        "ReportScope": "AllTasks",
    }
    assert request["Priority"] == 42
    assert len(request["Description"]) == 256
    # The validator is strict: a wrong type or a missing member is caught.
    with pytest.raises(AssertionError, match="Priority"):
        assert_valid_create_job({**request, "Priority": "high"})
    with pytest.raises(AssertionError, match="RoleArn"):
        assert_valid_create_job({k: v for k, v in request.items() if k != "RoleArn"})
    assert backfill.function_region(FUNCTION_ARN) == "eu-west-1"
    assert backfill.function_region("article-extractor-extractor") is None


def test_create_job_needs_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["backfill", "s3://in/p/", "--output-bucket", "out", "--create-job"])
    assert exit_info.value.code == 2
    assert "--function-arn, --role-arn, --report-bucket" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [
        ("s3://bucket", "bucket", ""),
        ("s3://bucket/", "bucket", ""),
        ("s3://bucket/a b/c#d?.html", "bucket", "a b/c#d?.html"),
    ],
)
def test_s3_location(url: str, bucket: str, prefix: str) -> None:
    assert S3Location.parse(url) == S3Location(bucket, prefix)


@pytest.mark.parametrize("url", ["bucket/prefix", "s3:///prefix", "https://bucket/x"])
def test_s3_location_rejects(url: str) -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        S3Location.parse(url)


def test_manifest_csv_encodes_keys() -> None:
    refs = [ObjectRef("b", "a b/c+d,e.html"), ObjectRef("b", "ü/%.htm")]
    assert backfill.manifest_csv(refs) == "b,a%20b/c%2Bd%2Ce.html\nb,%C3%BC/%25.htm\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "REFRESH_SECONDS", 0.0)
    terminal = _Terminal()
    tally = backfill.Tally(listed=4, done=2, skipped=1)
    shown = backfill.Progress(terminal, tally)
    shown.update()
    assert "3obj" in terminal.getvalue()  # still listing: a count, no total
    tally.listing_done = True
    shown.note("error: k: boom")
    shown.update()
    shown.close()
    output = terminal.getvalue()
    assert "\rerror: k: boom\n" in output  # on a line of its own
    last = output.split("error: k: boom\n")[1].split("\r")
    assert any(re.search(r"\b75%.*3/4.*done=2 skipped=1 failed=0", part) for part in last)
    assert output.endswith("\r")  # the bar is wiped: the summary line follows


def test_progress_prints_periodic_lines_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backfill, "LOG_REFRESH_SECONDS", 0.0)
    log = io.StringIO()
    tally = backfill.Tally(listed=10, done=1)
    progress = backfill.Progress(log, tally)
    progress.update()
    tally.done += 1
    progress.update()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert [line.split(" (")[0] for line in lines] == [
        "done=1 skipped=0 failed=0",
        "done=2 skipped=0 failed=0",
    ]
    assert all(line.endswith("ETA ?") and "/10+)" in line for line in lines)  # still listing
