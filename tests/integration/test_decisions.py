"""OUTPUT_DECISIONS through the real handler and in-process moto: the result the function
writes carries `extraction.decisions` and `extraction.metadata_sources` only when it is on."""

from __future__ import annotations

import pytest

from article_extractor.aws.runtime import runtime
from article_extractor.handler import lambda_handler
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import FIXTURES
from tests.events import s3_event, s3_record
from tests.integration.conftest import INPUT_BUCKET, Buckets

PAGE = (FIXTURES / "review" / "article.html").read_bytes()


@pytest.mark.parametrize("setting", [None, "false", "true"])
def test_the_result_carries_the_decisions_only_when_switched_on(
    buckets: Buckets,
    context: LocalLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    setting: str | None,
) -> None:
    if setting is None:
        monkeypatch.delenv("OUTPUT_DECISIONS", raising=False)
    else:
        monkeypatch.setenv("OUTPUT_DECISIONS", setting)
    runtime.cache_clear()  # the settings are read at cold start
    buckets.put("news/quay.html", PAGE, Metadata={"source-url": "https://harbour.example/quay"})

    lambda_handler(s3_event(s3_record(INPUT_BUCKET, "news/quay.html")), context)

    extraction = buckets.result("news/quay.html")["extraction"]  # valid against the schema
    if setting != "true":
        assert "decisions" not in extraction and "metadata_sources" not in extraction
        return
    decisions = extraction["decisions"]
    assert [d["by"] for d in decisions if d["decision"] == "removed"].count("trafilatura") >= 3
    assert {
        "block": "paragraph",
        "text": "Sign up for our newsletter",
        "decision": "removed",
        "by": "rule:newsletter_signup",
        "score": None,
    } in decisions
    assert extraction["metadata_sources"]["author"] == "json_ld_author"
