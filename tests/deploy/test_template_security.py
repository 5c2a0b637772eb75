"""The template's security and reliability properties hold, and the checks catch regressions:
each mutation below breaks one property and must be reported."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform

from article_extractor.aws.runtime import tracing_enabled
from article_extractor.keys import SUPPORTED_SUFFIXES
from tests.conftest import ROOT
from tests.deploy.template_checks import (
    Template,
    all_violations,
    as_list,
    input_bucket_ids,
    load_template,
    policy_statements,
    properties,
    resolve,
    resources,
)

TEMPLATE = load_template(ROOT / "template.yaml")


def test_template_has_no_violations() -> None:
    assert all_violations(TEMPLATE) == []


def _role(template: Template) -> dict[str, Any]:
    [role] = resources(template, "AWS::IAM::Role").values()
    return role


def _statements(template: Template) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = properties(_role(template))["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    return statements


def wildcard_s3_resource(template: Template) -> None:
    _statements(template)[0]["Resource"] = "*"


def unencrypted_output_bucket(template: Template) -> None:
    del properties(template["Resources"]["OutputBucket"])["BucketEncryption"]


def no_dead_letter_queue(template: Template) -> None:
    del properties(template["Resources"]["ExtractionQueue"])["RedrivePolicy"]


def recursive_trigger_by_permission(template: Template) -> None:
    [input_bucket] = input_bucket_ids(template)
    _statements(template).append(
        {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": f"${{{input_bucket}.Arn}}/${{OutputPrefix}}*"},
        }
    )


def recursive_trigger_by_configuration(template: Template) -> None:
    [input_bucket] = input_bucket_ids(template)
    function = template["Resources"]["ExtractorFunction"]
    properties(function)["Environment"]["Variables"]["OUTPUT_BUCKET"] = {"Ref": input_bucket}


def public_output_bucket(template: Template) -> None:
    block = properties(template["Resources"]["OutputBucket"])["PublicAccessBlockConfiguration"]
    block["RestrictPublicBuckets"] = False


def plain_http_allowed(template: Template) -> None:
    del template["Resources"]["InputBucketPolicy"]


def short_visibility_timeout(template: Template) -> None:
    properties(template["Resources"]["ExtractionQueue"])["VisibilityTimeout"] = 60


def no_partial_batch_failures(template: Template) -> None:
    event = properties(template["Resources"]["ExtractorFunction"])["Events"]["Uploads"]
    del event["Properties"]["FunctionResponseTypes"]


def loop_detection_off(template: Template) -> None:
    properties(template["Resources"]["ExtractorFunction"])["RecursiveLoop"] = "Allow"


def sam_managed_role(template: Template) -> None:
    del properties(template["Resources"]["ExtractorFunction"])["Role"]


def delete_anywhere_in_output_bucket(template: Template) -> None:
    _statements(template).append(
        {
            "Effect": "Allow",
            "Action": "s3:DeleteObject",
            "Resource": {"Fn::Sub": "${OutputBucket.Arn}/*"},
        }
    )


def no_dead_letter_alarm(template: Template) -> None:
    del template["Resources"]["DeadLetterQueueAlarm"]


def tracing_off_by_default(template: Template) -> None:
    template["Parameters"]["Tracing"]["Default"] = "Disabled"


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (wildcard_s3_resource, "wildcard resource"),
        (unencrypted_output_bucket, "OutputBucket: no default encryption"),
        (no_dead_letter_queue, "ExtractionQueue: no dead-letter queue"),
        (recursive_trigger_by_permission, "may write the input bucket"),
        (recursive_trigger_by_configuration, "writes its results to the bucket that triggers"),
        (public_output_bucket, "RestrictPublicBuckets"),
        (plain_http_allowed, "InputBucket: no bucket policy denying non-TLS"),
        (short_visibility_timeout, "visibility timeout under 6x"),
        (no_partial_batch_failures, "no ReportBatchItemFailures"),
        (loop_detection_off, "recursive loop detection"),
        (sam_managed_role, "no explicit role"),
        (no_dead_letter_alarm, "no alarm on ApproximateNumberOfMessagesVisible"),
        (delete_anywhere_in_output_bucket, "not limited to the output prefix"),
        (tracing_off_by_default, "X-Ray tracing off by default"),
    ],
)
def test_each_mutation_is_reported(mutation: Callable[[Template], None], expected: str) -> None:
    mutated = copy.deepcopy(TEMPLATE)
    mutation(mutated)
    violations = all_violations(mutated)
    assert any(expected in violation for violation in violations), violations


class _NoManagedPolicies(ManagedPolicyLoader):
    """The translator asks IAM for managed policies only when SAM would attach some."""

    def __init__(self) -> None:
        self.requested = False

    def load(self) -> dict[str, str]:
        self.requested = True
        return {}


def test_sam_transform_adds_no_role_or_managed_policy() -> None:
    loader = _NoManagedPolicies()
    packaged = copy.deepcopy(TEMPLATE)  # as `sam package` leaves it: code in S3
    properties(packaged["Resources"]["ExtractorFunction"])["CodeUri"] = "s3://artifacts/fn.zip"
    properties(packaged["Resources"]["DependenciesLayer"])["ContentUri"] = "s3://artifacts/l.zip"
    transformed = transform(packaged, {}, loader)
    assert not loader.requested
    roles = resources(transformed, "AWS::IAM::Role")
    assert list(roles) == ["ExtractorRole"]
    assert "ManagedPolicyArns" not in properties(roles["ExtractorRole"])
    [mapping] = resources(transformed, "AWS::Lambda::EventSourceMapping").values()
    assert properties(mapping)["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties(mapping)["ScalingConfig"] == {
        "MaximumConcurrency": {"Ref": "MaximumConcurrency"}
    }
    [function] = resources(transformed, "AWS::Lambda::Function").values()
    assert properties(function)["RecursiveLoop"] == "Terminate"


def _transformed(parameters: dict[str, str]) -> Template:
    packaged = copy.deepcopy(TEMPLATE)  # as `sam package` leaves it: code in S3
    properties(packaged["Resources"]["ExtractorFunction"])["CodeUri"] = "s3://artifacts/fn.zip"
    properties(packaged["Resources"]["DependenciesLayer"])["ContentUri"] = "s3://artifacts/l.zip"
    transformed: Template = transform(packaged, parameters, _NoManagedPolicies())
    return transformed


@pytest.mark.parametrize("mode", ["Active", "PassThrough", "Disabled"])
def test_tracing_parameter_sets_the_mode_the_tracer_and_the_permission(mode: str) -> None:
    """One parameter decides X-Ray's mode, whether Powertools' Tracer (and the X-Ray SDK) is
    loaded at all, and whether the role may send traces."""
    assert TEMPLATE["Parameters"]["Tracing"]["Default"] == "Active"
    parameters = {"Tracing": mode}
    transformed = _transformed(parameters)
    [function] = resources(transformed, "AWS::Lambda::Function").values()
    deployed = resolve(transformed, properties(function), parameters)
    if mode == "Disabled":
        assert "TracingConfig" not in deployed
    else:
        assert deployed["TracingConfig"] == {"Mode": mode}
    variables = deployed["Environment"]["Variables"]
    in_lambda = {"LAMBDA_TASK_ROOT": "/var/task", **variables}
    assert tracing_enabled(in_lambda) is (mode != "Disabled")
    granted = [
        action
        for _, statement in policy_statements(resolve(transformed, transformed, parameters))
        for action in as_list(statement["Action"])
    ]
    assert ("xray:PutTraceSegments" in granted) is (mode != "Disabled")


def test_queue_policy_admits_only_this_bucket_and_account() -> None:
    [policy] = resources(TEMPLATE, "AWS::SQS::QueuePolicy").values()
    [allow] = [
        s for s in properties(policy)["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
    ]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    condition = allow["Condition"]
    assert condition["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source_arn = condition["ArnEquals"]["aws:SourceArn"]["Fn::Sub"]
    input_name = properties(TEMPLATE["Resources"]["InputBucket"])["BucketName"]["Fn::Sub"]
    assert source_arn == f"arn:${{AWS::Partition}}:s3:::{input_name}"


def test_notifications_cover_the_supported_suffixes_on_create_remove_and_restore() -> None:
    bucket = TEMPLATE["Resources"]["InputBucket"]
    configurations = properties(bucket)["NotificationConfiguration"]["QueueConfigurations"]
    assert sorted(
        (c["Event"], c["Filter"]["S3Key"]["Rules"][0]["Value"]) for c in configurations
    ) == [
        (event, suffix)
        for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectRestore:Completed")
        for suffix in sorted(SUPPORTED_SUFFIXES)
    ]


def test_parameters_users_tune_exist() -> None:
    assert {
        "OutputPrefix",
        "MaxInputBytes",
        "LogLevel",
        "MemorySize",
        "ReservedConcurrency",
        "MaximumConcurrency",
        "AlarmTopicArn",
        "DeleteResultsOnRemove",
        "MaxObjectSeconds",
        "Tracing",
        "DisabledCleaningRules",
    } <= set(TEMPLATE["Parameters"])


def test_outputs_name_what_a_user_needs() -> None:
    assert {
        "InputBucketName",
        "OutputBucketName",
        "QueueUrl",
        "DeadLetterQueueUrl",
        "FunctionName",
    } <= set(TEMPLATE["Outputs"])


def test_powertools_settings_live_in_globals() -> None:
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert {k for k in variables if k.startswith("POWERTOOLS_")} >= {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
    }
