"""Security and reliability properties of template.yaml, as functions that list violations.

They take the decoded template (intrinsics as dicts: `{"Ref": ...}`, `{"Fn::Sub": ...}`), so
the tests can run them on the real template and on mutated copies to show they bite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

Template = dict[str, Any]


def load_template(path: Path) -> Template:
    decoded, errors = decode(str(path))
    assert not errors, errors
    assert decoded is not None
    # Plain dicts and lists, detached from cfn-lint's node classes, so copies mutate freely.
    loaded: Template = json.loads(json.dumps(decoded))
    return loaded


def resources(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template.get("Resources", {}).items()
        if resource.get("Type") == kind
    }


def properties(resource: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = resource.get("Properties", {})
    return props


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def refers_to(value: Any, logical_id: str) -> bool:
    """True when an intrinsic (Ref, GetAtt, Sub) in `value` names `logical_id`."""
    text = json.dumps(value)
    return (
        f'"Ref": "{logical_id}"' in text
        or f'"Fn::GetAtt": ["{logical_id}"' in text
        or f"${{{logical_id}" in text
    )


NO_VALUE = {"Ref": "AWS::NoValue"}


def branches(value: Any) -> list[Any]:
    """Both branches of an `Fn::If` (minus AWS::NoValue), or the value itself."""
    if isinstance(value, dict) and "Fn::If" in value:
        return [branch for branch in value["Fn::If"][1:] if branch != NO_VALUE]
    return [value]


def parameter_value(template: Template, name: str, parameters: dict[str, str]) -> Any:
    return parameters.get(name, template["Parameters"][name].get("Default"))


def condition_holds(template: Template, condition: Any, parameters: dict[str, str]) -> bool:
    """A condition (Fn::Not, Fn::Equals, Fn::And, Fn::Or, Condition) for these parameters."""
    if isinstance(condition, str):
        return condition_holds(template, template["Conditions"][condition], parameters)
    [(function, arguments)] = condition.items()
    if function == "Fn::Not":
        return not condition_holds(template, arguments[0], parameters)
    if function == "Fn::And":
        return all(condition_holds(template, a, parameters) for a in arguments)
    if function == "Fn::Or":
        return any(condition_holds(template, a, parameters) for a in arguments)
    if function == "Condition":
        return condition_holds(template, arguments, parameters)
    if function == "Fn::Equals":
        left, right = (resolve(template, a, parameters) for a in arguments)
        return bool(str(left) == str(right))
    raise ValueError(f"unsupported condition function {function}")


def resolve(template: Template, value: Any, parameters: dict[str, str]) -> Any:
    """`value` as CloudFormation deploys it with `parameters` (defaults for the others): Refs to
    parameters replaced, `Fn::If` decided, AWS::NoValue removed; other intrinsics kept."""
    if isinstance(value, list):
        resolved = [resolve(template, item, parameters) for item in value]
        return [item for item in resolved if item != NO_VALUE]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in template.get("Parameters", {}):
        return parameter_value(template, value["Ref"], parameters)
    if set(value) == {"Fn::If"}:
        condition, when_true, when_false = value["Fn::If"]
        chosen = when_true if condition_holds(template, condition, parameters) else when_false
        return resolve(template, chosen, parameters)
    resolved_dict = {key: resolve(template, item, parameters) for key, item in value.items()}
    return {key: item for key, item in resolved_dict.items() if item != NO_VALUE}


def policy_statements(template: Template) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every IAM statement the function's roles and inline SAM policies grant (both branches of
    a conditional statement)."""
    for name, role in resources(template, "AWS::IAM::Role").items():
        for policy in properties(role).get("Policies", []):
            for statement in as_list(policy["PolicyDocument"]["Statement"]):
                for granted in branches(statement):
                    yield name, granted
    for name, function in resources(template, "AWS::Serverless::Function").items():
        for policy in as_list(properties(function).get("Policies", [])):
            if isinstance(policy, dict) and "Statement" in policy:
                for statement in as_list(policy["Statement"]):
                    yield name, statement


def input_bucket_ids(template: Template) -> list[str]:
    return [
        name
        for name, bucket in resources(template, "AWS::S3::Bucket").items()
        if "NotificationConfiguration" in properties(bucket)
    ]


def bucket_violations(template: Template) -> list[str]:
    problems = []
    policies = resources(template, "AWS::S3::BucketPolicy")
    for name, bucket in resources(template, "AWS::S3::Bucket").items():
        props = properties(bucket)
        rules = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
        if not rules:
            problems.append(f"{name}: no default encryption")
        block = props.get("PublicAccessBlockConfiguration", {})
        for setting in (
            "BlockPublicAcls",
            "BlockPublicPolicy",
            "IgnorePublicAcls",
            "RestrictPublicBuckets",
        ):
            if block.get(setting) is not True:
                problems.append(f"{name}: public access block {setting} is not true")
        bucket_name = json.dumps(props.get("BucketName", ""))
        if "${AWS::StackName}" not in bucket_name or "${AWS::AccountId}" not in bucket_name:
            problems.append(f"{name}: name not built from stack name and account id")
        denies_plain_http = any(
            refers_to(properties(policy).get("Bucket"), name)
            and any(
                statement.get("Effect") == "Deny"
                and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
                == "false"
                for statement in as_list(properties(policy)["PolicyDocument"]["Statement"])
            )
            for policy in policies.values()
        )
        if not denies_plain_http:
            problems.append(f"{name}: no bucket policy denying non-TLS requests")
    for name in input_bucket_ids(template):
        versioning = properties(resources(template, "AWS::S3::Bucket")[name]).get(
            "VersioningConfiguration", {}
        )
        if versioning.get("Status") != "Enabled":
            problems.append(f"{name}: input bucket is not versioned")
    return problems


def queue_violations(template: Template) -> list[str]:
    problems = []
    queues = resources(template, "AWS::SQS::Queue")
    functions = resources(template, "AWS::Serverless::Function")
    timeout = int(template.get("Globals", {}).get("Function", {}).get("Timeout", 3))
    for name, queue in queues.items():
        props = properties(queue)
        if not props.get("SqsManagedSseEnabled") and "KmsMasterKeyId" not in props:
            problems.append(f"{name}: queue is not encrypted")
    consumed = [
        event["Properties"]["Queue"]
        for function in functions.values()
        for event in properties(function).get("Events", {}).values()
        if event.get("Type") == "SQS"
    ]
    for name, queue in queues.items():
        if not any(refers_to(queue_ref, name) for queue_ref in consumed):
            continue
        props = properties(queue)
        redrive = props.get("RedrivePolicy")
        if not redrive:
            problems.append(f"{name}: no dead-letter queue")
            continue
        target = next((q for q in queues if refers_to(redrive["deadLetterTargetArn"], q)), None)
        if target is None:
            problems.append(f"{name}: dead-letter target is not a queue of this stack")
        elif int(properties(queues[target]).get("MessageRetentionPeriod", 0)) != 1209600:
            problems.append(f"{target}: dead-letter retention is not 14 days")
        if not 1 <= int(redrive.get("maxReceiveCount", 0)) <= 10:
            problems.append(f"{name}: maxReceiveCount missing or above 10")
        for function in functions.values():
            window = max(
                int(e["Properties"].get("MaximumBatchingWindowInSeconds", 0))
                for e in properties(function)["Events"].values()
            )
            function_timeout = int(properties(function).get("Timeout", timeout))
            if int(props.get("VisibilityTimeout", 30)) < 6 * function_timeout + window:
                problems.append(f"{name}: visibility timeout under 6x function timeout + window")
    return problems


def iam_violations(template: Template) -> list[str]:
    problems = []
    inputs = input_bucket_ids(template)
    for owner, statement in policy_statements(template):
        actions = [str(action) for action in as_list(statement.get("Action", []))]
        touches_storage = any(a.startswith(("s3:", "sqs:")) or a == "*" for a in actions)
        targets = as_list(statement.get("Resource", []))
        if touches_storage and "*" in targets:
            problems.append(f"{owner}: wildcard resource in an S3/SQS statement {actions}")
        if any(action in ("s3:*", "sqs:*", "*") for action in actions):
            problems.append(f"{owner}: wildcard action {actions}")
        writes = [
            a for a in actions if a.startswith("s3:") and not a.startswith(("s3:Get", "s3:List"))
        ]
        for target in targets:
            if writes and any(refers_to(target, bucket) for bucket in inputs):
                problems.append(f"{owner}: may write the input bucket ({writes}): a trigger loop")
            if writes and "${OutputPrefix}" not in json.dumps(target):
                problems.append(f"{owner}: S3 writes {writes} not limited to the output prefix")
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = properties(function)
        if "Role" not in props:
            problems.append(f"{name}: no explicit role (SAM would attach broad managed policies)")
        env = props.get("Environment", {}).get("Variables", {})
        if any(refers_to(env.get("OUTPUT_BUCKET"), bucket) for bucket in inputs):
            problems.append(f"{name}: writes its results to the bucket that triggers it")
    return problems


def function_violations(template: Template) -> list[str]:
    problems = []
    globals_ = template.get("Globals", {}).get("Function", {})
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = {**globals_, **properties(function)}
        if props.get("Runtime") != "python3.13":
            problems.append(f"{name}: runtime is not python3.13")
        if props.get("Architectures") != ["arm64"]:
            problems.append(f"{name}: not arm64")
        if resolve(template, props.get("Tracing"), {}) != "Active":
            problems.append(f"{name}: X-Ray tracing off by default")
        if props.get("RecursiveLoop") != "Terminate":
            problems.append(f"{name}: recursive loop detection is not Terminate")
        for event_name, event in props.get("Events", {}).items():
            event_props = event.get("Properties", {})
            if event.get("Type") != "SQS":
                continue
            if event_props.get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
                problems.append(f"{name}.{event_name}: no ReportBatchItemFailures")
            if not event_props.get("MaximumBatchingWindowInSeconds"):
                problems.append(f"{name}.{event_name}: no batching window")
            if "MaximumConcurrency" not in event_props.get("ScalingConfig", {}):
                problems.append(f"{name}.{event_name}: no MaximumConcurrency")
    return problems


def alarm_violations(template: Template) -> list[str]:
    alarms = resources(template, "AWS::CloudWatch::Alarm").values()
    watched = {(properties(a)["Namespace"], properties(a)["MetricName"]) for a in alarms}
    wanted = {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),  # on the dead-letter queue
        ("AWS/Lambda", "Errors"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
    }
    problems = [f"no alarm on {metric}" for _, metric in sorted(wanted - watched)]
    for alarm in alarms:
        if "AlarmActions" not in properties(alarm):
            problems.append(f"alarm on {properties(alarm)['MetricName']} notifies nobody")
    return problems


def all_violations(template: Template) -> list[str]:
    return [
        *bucket_violations(template),
        *queue_violations(template),
        *iam_violations(template),
        *function_violations(template),
        *alarm_violations(template),
    ]
