"""template.yaml lints clean and agrees with the code it deploys."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

from cfnlint.api import lint_file
from cfnlint.decode import decode

from article_extractor.config import (
    DEFAULT_OUTPUT_PREFIX,
    MAX_INPUT_BYTES_LIMIT,
    MAX_OBJECT_SECONDS_LIMIT,
    OUTPUT_PREFIX_MAX_BYTES,
    Settings,
)
from article_extractor.keys import SUPPORTED_SUFFIXES
from article_extractor_tools.local import NOTIFIED_EVENTS
from tests.conftest import ROOT
from tests.deploy.template_checks import resolve

TEMPLATE = ROOT / "template.yaml"


def template() -> dict[str, Any]:
    decoded, errors = decode(str(TEMPLATE))
    assert not errors, errors
    assert decoded is not None
    return dict(decoded)


def resources_of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template()["Resources"].items() if r["Type"] == kind}


def test_template_lints_clean() -> None:
    assert [str(match) for match in lint_file(Path(TEMPLATE))] == []


def test_function_handler_is_the_package_entry_point() -> None:
    [function] = resources_of_type("AWS::Serverless::Function").values()
    module_name, _, attribute = function["Properties"]["Handler"].rpartition(".")
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert function["Properties"]["CodeUri"] == "functions/article_extractor/"


def test_function_environment_names_the_settings_the_code_reads() -> None:
    [function] = resources_of_type("AWS::Serverless::Function").values()
    variables = function["Properties"]["Environment"]["Variables"]
    assert {
        "OUTPUT_BUCKET",
        "OUTPUT_PREFIX",
        "MAX_INPUT_BYTES",
        "INPUT_BUCKET",
        "DELETE_ON_REMOVE",
        "MAX_OBJECT_SECONDS",
    } <= set(variables)


def test_notification_filters_are_exactly_the_supported_suffixes() -> None:
    [bucket] = [
        r
        for r in resources_of_type("AWS::S3::Bucket").values()
        if "NotificationConfiguration" in r["Properties"]
    ]
    configurations = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert all(
        c["Filter"]["S3Key"]["Rules"] == [c["Filter"]["S3Key"]["Rules"][0]] for c in configurations
    )
    filters = [(c["Event"], c["Filter"]["S3Key"]["Rules"][0]) for c in configurations]
    for event in NOTIFIED_EVENTS:
        rules = [rule for notified, rule in filters if notified == event]
        assert sorted(rule["Value"] for rule in rules) == sorted(SUPPORTED_SUFFIXES), event
        assert {rule["Name"] for rule in rules} == {"suffix"}
    assert {event for event, _ in filters} == set(NOTIFIED_EVENTS)


def test_sqs_event_reports_batch_item_failures_and_queue_has_a_dead_letter_queue() -> None:
    [function] = resources_of_type("AWS::Serverless::Function").values()
    [event] = function["Properties"]["Events"].values()
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queues = resources_of_type("AWS::SQS::Queue")
    redriven = [q for q in queues.values() if "RedrivePolicy" in q["Properties"]]
    assert len(redriven) == 1


def test_layer_pins_match_the_project_dependencies() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pinned = {dep for dep in pyproject["project"]["dependencies"] if "==" in dep}
    requirements = {
        line.strip()
        for line in (ROOT / "layers/dependencies/requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert requirements == pinned
    assert not any(re.match(r"boto3\b", line) for line in requirements)  # in the runtime


def test_parameter_bounds_match_the_settings_bounds() -> None:
    parameters = template()["Parameters"]
    assert parameters["MaxInputBytes"]["MaxValue"] == MAX_INPUT_BYTES_LIMIT
    assert parameters["MaxObjectSeconds"]["MaxValue"] <= MAX_OBJECT_SECONDS_LIMIT
    # CloudFormation counts characters; the function checks UTF-8 bytes at cold start.
    assert parameters["OutputPrefix"]["MaxLength"] == OUTPUT_PREFIX_MAX_BYTES
    assert parameters["OutputPrefix"]["Default"] == DEFAULT_OUTPUT_PREFIX


def test_output_decisions_parameter_sets_the_setting_off_by_default() -> None:
    decoded = template()
    parameter = decoded["Parameters"]["OutputDecisions"]
    [function] = resources_of_type("AWS::Serverless::Function").values()
    variable = function["Properties"]["Environment"]["Variables"]["OUTPUT_DECISIONS"]
    assert variable == {"Ref": "OutputDecisions"}
    for value in parameter["AllowedValues"]:
        deployed = resolve(decoded, variable, {"OutputDecisions": value})
        settings = Settings.from_environ({"OUTPUT_BUCKET": "out", "OUTPUT_DECISIONS": deployed})
        assert settings.output_decisions is (value == "true")
    default = resolve(decoded, variable, {})
    assert default == "false"
    assert not Settings.from_environ(
        {"OUTPUT_BUCKET": "out", "OUTPUT_DECISIONS": default}
    ).output_decisions
