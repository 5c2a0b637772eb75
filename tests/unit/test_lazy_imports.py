from __future__ import annotations

import pytest
from aws_lambda_powertools import Tracer

from article_extractor.aws.runtime import initialised_ahead_of_traffic, tracing_enabled

ENVIRONMENTS = [
    {},
    {"LAMBDA_TASK_ROOT": "/var/task"},
    {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"},
    {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "1"},
    {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "false"},
    {"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"},
    {"LAMBDA_TASK_ROOT": "/var/task", "AWS_CHALICE_CLI_MODE": "true"},
    {"POWERTOOLS_TRACE_DISABLED": "false"},
]


@pytest.mark.parametrize("environ", ENVIRONMENTS)
def test_tracing_is_on_exactly_when_powertools_would_trace(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    switches = (
        "LAMBDA_TASK_ROOT",
        "POWERTOOLS_TRACE_DISABLED",
        "AWS_SAM_LOCAL",
        "AWS_CHALICE_CLI_MODE",
    )
    for name in switches:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert tracing_enabled(environ) is not bool(Tracer._is_tracer_disabled())


@pytest.mark.parametrize(
    ("initialization", "ahead"),
    [
        ("on-demand", False),
        ("provisioned-concurrency", True),
        ("snap-start", True),
        (None, False),
    ],
)
def test_initialisation_ahead_of_traffic(initialization: str | None, ahead: bool) -> None:
    environ = {} if initialization is None else {"AWS_LAMBDA_INITIALIZATION_TYPE": initialization}
    assert initialised_ahead_of_traffic(environ) is ahead
