"""Shared test helpers: paths, the published JSON Schema, and AWS-free environment defaults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "samples"
SCHEMA_PATH = ROOT / "schema" / "output-document.schema.json"


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


SCHEMA_VALIDATOR = Draft202012Validator(
    load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)


def assert_valid_output(document: dict[str, Any]) -> None:
    """Fail with every schema violation of one output document."""
    errors = sorted(SCHEMA_VALIDATOR.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture(autouse=True)
def aws_free_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test may reach a real AWS account, whatever the developer's shell has configured."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ArticleExtractorTests")
    yield
