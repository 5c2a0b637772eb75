"""What a cold start imports, and what each kind of invocation adds: each case runs in a fresh
interpreter and reads `sys.modules`, so a module imported too early fails the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.events import S3_TEST_EVENT, s3_event, s3_record, sqs_event, sqs_record

HEAVY_MODULES = (
    "boto3",
    "botocore.client",
    "trafilatura",
    "lxml",
    "article_extractor.pipeline.process",
    "aws_xray_sdk",
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.data_classes",
)
# Variables that switch what the handler imports; each test sets the ones it needs.
SWITCHES = (
    "LAMBDA_TASK_ROOT",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "POWERTOOLS_TRACE_DISABLED",
    "AWS_SAM_LOCAL",
    "AWS_CHALICE_CLI_MODE",
)
PRELUDE = f"""
import json, sys, types
HEAVY_MODULES = {HEAVY_MODULES!r}

def snapshot(label):
    print(json.dumps({{label: [m for m in HEAVY_MODULES if m in sys.modules]}}))

context = types.SimpleNamespace(
    function_name="article-extractor", function_version="$LATEST", memory_limit_in_mb=1024,
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:article-extractor",
    aws_request_id="request-1", get_remaining_time_in_millis=lambda: 60_000,
)
"""


def run(code: str, **environ: str) -> dict[str, Any]:
    """Run PRELUDE + `code` in a fresh interpreter; returns what its `snapshot`s printed."""
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    env.update({"OUTPUT_BUCKET": "article-output", "POWERTOOLS_LOG_LEVEL": "ERROR", **environ})
    completed = subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: dict[str, Any] = {}
    for line in completed.stdout.splitlines():
        if line.startswith("{"):
            report.update(json.loads(line))
    return report


def test_importing_the_handler_loads_no_heavy_module() -> None:
    report = run(
        "import article_extractor.handler\nsnapshot('import')",
        AWS_LAMBDA_INITIALIZATION_TYPE="on-demand",
    )
    assert report["import"] == []


def test_tracing_on_imports_the_tracer_at_cold_start_and_nothing_else_heavy() -> None:
    report = run("import article_extractor.handler\nsnapshot('import')", LAMBDA_TASK_ROOT="/x")
    assert "aws_xray_sdk" in report["import"]
    assert not {"trafilatura", "article_extractor.pipeline.process", "boto3"} & set(
        report["import"]
    )


def test_tracing_disabled_never_imports_the_xray_sdk() -> None:
    event = sqs_event(sqs_record(S3_TEST_EVENT))
    report = run(
        "from article_extractor.handler import lambda_handler\n"
        f"lambda_handler({event!r}, context)\n"
        "snapshot('invoked')",
        LAMBDA_TASK_ROOT="/x",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    assert "aws_xray_sdk" not in report["invoked"]


def test_sqs_test_event_loads_the_batch_utility_but_neither_boto3_nor_trafilatura() -> None:
    event = sqs_event(sqs_record(S3_TEST_EVENT))
    report = run(
        "from article_extractor.handler import lambda_handler\n"
        f"response = lambda_handler({event!r}, context)\n"
        "assert response == {'batchItemFailures': []}, response\n"
        "snapshot('invoked')"
    )
    assert report["invoked"] == [
        "aws_lambda_powertools.utilities.batch",
        "aws_lambda_powertools.utilities.data_classes",
    ]


def test_event_for_the_functions_own_output_loads_nothing_heavy() -> None:
    event = s3_event(s3_record("article-output", "extracted/page.html.json"))
    report = run(
        "from article_extractor.handler import lambda_handler\n"
        f"response = lambda_handler({event!r}, context)\n"
        "assert response['processed'][0]['status'] == 'ignored', response\n"
        "snapshot('invoked')"
    )
    assert report["invoked"] == []


MOTO_BUCKETS = """
from moto import mock_aws
import boto3
mock = mock_aws()
mock.start()
s3 = boto3.client("s3", region_name="us-east-1")
s3.create_bucket(Bucket="article-input")
s3.create_bucket(Bucket="article-output")
"""


def test_removal_uses_s3_without_loading_trafilatura_and_a_page_loads_it() -> None:
    removal = s3_event(s3_record("article-input", "a.html", event_name="ObjectRemoved:Delete"))
    created = s3_event(s3_record("article-input", "a.html"))
    report = run(
        MOTO_BUCKETS + "from article_extractor.handler import lambda_handler\n"
        f"response = lambda_handler({removal!r}, context)\n"
        "assert response['processed'][0]['status'] == 'removed:absent', response\n"
        "snapshot('removal')\n"
        "s3.put_object(Bucket='article-input', Key='a.html', Body=b'<p>' + b'Words. ' * 50)\n"
        f"response = lambda_handler({created!r}, context)\n"
        "assert response['processed'][0]['status'] == 'ok', response\n"
        "snapshot('page')\n",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    assert "trafilatura" not in report["removal"]
    assert "article_extractor.pipeline.process" not in report["removal"]
    assert {"trafilatura", "article_extractor.pipeline.process"} <= set(report["page"])


def test_backfill_of_objects_whose_result_is_current_never_loads_trafilatura() -> None:
    report = run(
        MOTO_BUCKETS + "import article_extractor_tools.cli\n"
        "from article_extractor_tools.backfill import backfill_object\n"
        "from article_extractor.config import Settings\n"
        "from article_extractor.aws.events import ObjectRef\n"
        "from article_extractor.aws.result_stamps import ResultStamp, SourceStamp\n"
        "from article_extractor.aws.storage import S3ObjectReader, put_result\n"
        "settings = Settings(output_bucket='article-output')\n"
        "stamp = ResultStamp(SourceStamp(etag='0123abcd'))\n"
        "put_result(s3, 'article-output', 'extracted/a.html.json', b'{}', stamp, None)\n"
        "ref = ObjectRef('article-input', 'a.html', etag='0123abcd')\n"
        "outcome = backfill_object(ref, s3, S3ObjectReader(s3), settings, check_only=False)\n"
        "assert outcome.outcome == 'skipped', outcome\n"
        "snapshot('skipped')\n",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    assert "trafilatura" not in report["skipped"]


@pytest.mark.parametrize("initialization", ["provisioned-concurrency", "snap-start"])
def test_initialisation_ahead_of_traffic_imports_everything_and_creates_the_client(
    initialization: str,
) -> None:
    report = run(
        "import article_extractor.handler\n"
        "from article_extractor.aws.runtime import runtime\n"
        "from article_extractor.pipeline.upstream.speedups import checked\n"
        "snapshot('import')\n"
        "print(json.dumps({'client': 's3' in vars(runtime())}))\n"
        "print(json.dumps({'checked': checked.cache_info().currsize == 1}))\n",
        AWS_LAMBDA_INITIALIZATION_TYPE=initialization,
        AWS_DEFAULT_REGION="us-east-1",
    )
    assert {
        "boto3",
        "trafilatura",
        "article_extractor.pipeline.process",
        "aws_lambda_powertools.utilities.batch",
    } <= set(report["import"])
    assert "aws_xray_sdk" not in report["import"]  # tracing stays its own switch
    assert report["client"] is True
    assert report["checked"] is True  # a built-in page ran the checks before any request


def test_eager_initialisation_leaves_configuration_errors_to_the_invocation() -> None:
    event = sqs_event(sqs_record(S3_TEST_EVENT))
    report = run(
        "from article_extractor.config import ConfigurationError\n"
        "from article_extractor.handler import lambda_handler\n"
        "try:\n"
        f"    lambda_handler({event!r}, context)\n"
        "except ConfigurationError as error:\n"
        "    print(json.dumps({'error': str(error)}))\n",
        AWS_LAMBDA_INITIALIZATION_TYPE="snap-start",
        AWS_DEFAULT_REGION="us-east-1",
        OUTPUT_BUCKET="",
    )
    assert "OUTPUT_BUCKET is required" in report["error"]


PIPELINE_STATE = """
import json, sys
from article_extractor.pipeline.blocks import clean
from article_extractor.pipeline.literal_prefilter import LazyPattern, Wording
from article_extractor.pipeline.metadata import date_search, page_metadata
from article_extractor.pipeline.read import parsing
from article_extractor.pipeline.upstream import speedups

def state(label):
    checks = {
        "speed-ups": speedups.checked, "parse": parsing._checked_repairs,
        "class lookup": parsing._class_table, "metadata": page_metadata._checked_helpers,
        "date search": date_search._installed,
    }
    patterns = [v for v in vars(clean).values() if isinstance(v, LazyPattern)]
    wordings = [v for v in vars(clean).values() if isinstance(v, Wording)]
    print(json.dumps({label: {
        "checked": sorted(name for name, f in checks.items() if f.cache_info().currsize),
        "compiled": sum(p._compiled is not None for p in patterns),
        "patterns": len(patterns),
        "wordings compiled": sum(isinstance(w._source, LazyPattern) and w._source._compiled
                                 is not None for w in wordings),
        "dateparser": "dateparser" in sys.modules,
    }}))
"""


def test_importing_the_pipeline_runs_no_check_and_compiles_no_rule() -> None:
    """What the command line and a cold Lambda pay for before their first page: the imports,
    not the checks of trafilatura's internals nor the cleaning rules' regular expressions; the
    first page pays for what it uses, and never for dateparser when no date needs it."""
    report = run(
        "import article_extractor.pipeline.process\n" + PIPELINE_STATE + "state('import')\n"
        "from article_extractor.inputs import FetchedObject, ObjectRef\n"
        "from article_extractor.pipeline import process_fetched\n"
        'html = (b\'<html lang="en"><head><meta property="article:published_time" \'\n'
        "        b'content=\"2024-03-05\"></head><body><p>' + b'Words of the story. ' * 40\n"
        "        + b'</p></body></html>')\n"
        "process_fetched(ObjectRef(None, 'a.html'), FetchedObject(body=html, size=len(html)))\n"
        "state('page')\n"
    )
    assert report["import"]["checked"] == []
    assert report["import"]["compiled"] == 0 and report["import"]["patterns"] >= 15
    assert report["import"]["wordings compiled"] == 0
    assert report["import"]["dateparser"] is False
    assert report["page"]["checked"] == [
        "class lookup",
        "date search",
        "metadata",
        "parse",
        "speed-ups",
    ]
    assert 0 < report["page"]["compiled"] < report["page"]["patterns"]
    assert report["page"]["dateparser"] is False
