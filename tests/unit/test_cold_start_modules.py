"""A cold start in a fresh interpreter: importing the handler loads none of the extraction
(trafilatura, lxml, the pipeline, the models); the first page processed loads them and comes
out right. Read from `sys.modules`, so a module imported too early fails the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import ROOT

PAGE = ROOT / "samples" / "english-news-article.html"
# What the first page needs, and the handler's import must leave for it.
EXTRACTION_MODULES = (
    "trafilatura",
    "htmldate",
    "lxml.etree",
    "lxml.html",
    "article_extractor.pipeline",
    "article_extractor.pipeline.process",
    "article_extractor.pipeline.extract",
    "article_extractor.pipeline.model.content_model",
    "article_extractor.pipeline.model.page_type",
)
# Loaded by an S3 client only: processing a page in memory never needs them.
CLIENT_MODULES = ("boto3", "botocore.client")
CODE = f"""
import json, sys
PAGE = {str(PAGE)!r}
WATCHED = {EXTRACTION_MODULES + CLIENT_MODULES!r}

def loaded():
    return [name for name in WATCHED if name in sys.modules]

import article_extractor.handler
after_import = loaded()
pipeline_modules = sorted(m for m in sys.modules if m.startswith("article_extractor.pipeline"))

from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.pipeline import process_fetched

body = open(PAGE, "rb").read()
fetched = FetchedObject(
    body=body, size=len(body), metadata={{"source-url": "https://example.com/news/tram"}}
)
document = process_fetched(ObjectRef(None, "news/tram.html"), fetched)
print(json.dumps({{
    "after_import": after_import,
    "pipeline_modules": pipeline_modules,
    "after_page": loaded(),
    "document": json.loads(document.to_json()),
}}))
"""


def run_cold_start() -> dict[str, Any]:
    env = {
        **os.environ,
        "OUTPUT_BUCKET": "article-output",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    }
    for switch in ("LAMBDA_TASK_ROOT", "AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE"):
        env.pop(switch, None)
    completed = subprocess.run(
        [sys.executable, "-c", CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def test_handler_import_leaves_the_extraction_to_the_first_page() -> None:
    report = run_cold_start()
    assert report["after_import"] == []
    assert report["pipeline_modules"] == []
    assert report["after_page"] == list(EXTRACTION_MODULES)
    document = report["document"]
    assert document["status"] == "ok"
    article = document["document"]
    assert article["title"] == "Council approves riverside tram line"
    assert article["author"] == "Maya Lindqvist"
    assert article["date"] == "2026-03-14"
    assert article["language"] == "en"
    assert article["text"].startswith("Harbourton city council voted on Thursday night")
    assert article["word_count"] > 400
    assert document["extraction"]["extractor"] == "trafilatura"
