"""Model-based test of the ordering promise, against moto: for any interleaving of creates,
overwrites and deletes of a few keys, in a versioned or an unversioned bucket, with their events
delivered late, out of order, in batches and more than once (and Batch Operations tasks, which
carry no sequencer, thrown in), the output bucket ends holding exactly the record of each key's
current object, and no result for a key without one.

The model is S3 itself: after the run, what each key holds is read back with HEAD. Each result
is read where it is stored, and that place must be the one the key mapping gives its key
(`keys.output_key`), one result per key.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from moto import mock_aws

from article_extractor.aws.runtime import runtime
from article_extractor.handler import lambda_handler
from article_extractor.keys import output_key, source_key
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import assert_valid_output
from tests.events import s3_event, s3_record, sqs_event, sqs_record

INPUT_BUCKET = "model-input"
OUTPUT_BUCKET = "model-output"
KEYS = ("a.html", "dir/b c.html")
PREFIX = "results/"
# Where each key's result is stored, written out so that a change to the mapping shows here as
# well as in keys.py's own tests.
RESULT_KEYS = {"a.html": "results/a.html.json", "dir/b c.html": "results/dir/b c.html.json"}


def page(revision: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {n} of revision marker{revision} tells of the harbour, the tram line and "
        f"the market square, where the council met on a wet Tuesday to settle the matter.</p>"
        for n in range(4)
    )
    return (
        f"<html><head><title>Revision {revision}</title></head><body><article>"
        f"<h1>Revision {revision}</h1>{paragraphs}</article></body></html>"
    ).encode()


class OrderingMachine(RuleBasedStateMachine):
    """Operations on S3 queue their events; delivery rules hand them to the handler."""

    def __init__(self) -> None:
        super().__init__()
        self.s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in (INPUT_BUCKET, OUTPUT_BUCKET):
            self.s3.create_bucket(Bucket=bucket)
        self.revision = 0
        self.sequencer = 0
        self.versioning = False
        self.pending: list[dict[str, Any]] = []  # events S3 has yet to deliver
        self.delivered: list[dict[str, Any]] = []  # for redelivery
        self.revision_of: dict[tuple[str, str | None], int] = {}  # (key, etag) -> revision

    @initialize(versioning=st.booleans())
    def choose_versioning(self, versioning: bool) -> None:
        self.versioning = versioning
        if versioning:
            self.s3.put_bucket_versioning(
                Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"}
            )

    def _event(self, key: str, event_name: str, version_id: str | None, etag: str) -> None:
        self.sequencer += 1
        self.pending.append(
            s3_record(
                INPUT_BUCKET,
                key,
                event_name=event_name,
                version_id=version_id,
                etag=etag,
                sequencer=f"{self.sequencer:016X}",
            )
        )

    @rule(key=st.sampled_from(KEYS))
    def put(self, key: str) -> None:
        self.revision += 1
        response = self.s3.put_object(Bucket=INPUT_BUCKET, Key=key, Body=page(self.revision))
        etag = response["ETag"].strip('"')
        self.revision_of[(key, etag)] = self.revision
        self._event(key, "ObjectCreated:Put", response.get("VersionId"), etag)

    @rule(key=st.sampled_from(KEYS))
    def delete(self, key: str) -> None:
        response = self.s3.delete_object(Bucket=INPUT_BUCKET, Key=key)
        marker = response.get("DeleteMarker")
        name = "ObjectRemoved:DeleteMarkerCreated" if marker else "ObjectRemoved:Delete"
        self._event(key, name, response.get("VersionId"), "")

    @precondition(lambda self: self.versioning)
    @rule(key=st.sampled_from(KEYS), which=st.integers(min_value=0, max_value=5))
    def delete_one_version(self, key: str, which: int) -> None:
        """Permanently delete one version (current or not) or one delete marker."""
        listing = self.s3.list_object_versions(Bucket=INPUT_BUCKET, Prefix=key)
        entries = [
            item
            for item in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
            if item["Key"] == key
        ]
        if not entries:
            return
        version_id = entries[which % len(entries)]["VersionId"]
        self.s3.delete_object(Bucket=INPUT_BUCKET, Key=key, VersionId=version_id)
        self._event(key, "ObjectRemoved:Delete", version_id, "")

    @precondition(lambda self: self.pending)
    @rule(data=st.data())
    def deliver_batch(self, data: st.DataObject) -> None:
        """One SQS batch of up to 10 messages: pending events in any order, some redelivered."""
        size = data.draw(st.integers(min_value=1, max_value=min(10, len(self.pending))))
        batch = []
        for _ in range(size):
            index = data.draw(st.integers(min_value=0, max_value=len(self.pending) - 1))
            batch.append(self.pending.pop(index))
            if not self.pending:
                break
        if self.delivered and data.draw(st.booleans()):
            batch.append(data.draw(st.sampled_from(self.delivered)))  # a duplicate
        self._send(batch)

    @precondition(lambda self: self.delivered)
    @rule(data=st.data())
    def redeliver(self, data: st.DataObject) -> None:
        self._send([data.draw(st.sampled_from(self.delivered))])

    @rule(key=st.sampled_from(KEYS))
    def batch_operations_task(self, key: str) -> None:
        """A Batch Operations task (no sequencer) for a key, whatever it holds now."""
        event = {
            "invocationSchemaVersion": "2.0",
            "invocationId": "model",
            "job": {"id": "job", "userArguments": {}},
            "tasks": [{"taskId": "t", "s3Bucket": INPUT_BUCKET, "s3Key": key}],
        }
        [result] = lambda_handler(event, LocalLambdaContext())["results"]
        assert result["resultCode"] in ("Succeeded", "PermanentFailure"), result

    def _send(self, records: list[dict[str, Any]]) -> None:
        messages = [sqs_record(s3_event(record)) for record in records]
        response = lambda_handler(sqs_event(*messages), LocalLambdaContext())
        assert response == {"batchItemFailures": []}
        self.delivered += records

    @invariant()
    def every_result_is_valid_and_stored_under_its_key(self) -> None:
        for document in self._results().values():
            assert_valid_output(document)

    def teardown(self) -> None:
        try:
            # S3 delivers every event at least once: the rest arrive now, newest first.
            self._send(list(reversed(self.pending))) if self.pending else None
            self.pending = []
            self._check_results_match_the_bucket()
        finally:
            super().teardown()

    def _check_results_match_the_bucket(self) -> None:
        results = self._results()
        for key in KEYS:
            try:
                head = self.s3.head_object(Bucket=INPUT_BUCKET, Key=key)
            except self.s3.exceptions.ClientError:
                assert key not in results, f"{key} has no object but a result"
                continue
            assert key in results, f"{key} holds an object but has no result"
            document = results[key]
            etag = head["ETag"].strip('"')
            assert document["source"]["etag"] == etag
            assert document["source"]["version_id"] == head.get("VersionId")
            revision = self.revision_of[(key, etag)]
            assert document["status"] == "ok", document.get("error")
            assert f"marker{revision} " in document["document"]["text"]

    def _results(self) -> dict[str, dict[str, Any]]:
        """Each key's result, found where the key mapping stores it; fails on a result stored
        under another key than its record names, on one for a key no event was about, and on
        two results naming one key."""
        listing = self.s3.list_objects_v2(Bucket=OUTPUT_BUCKET)
        results = {}
        named: Counter[str] = Counter()
        for item in listing.get("Contents", []):
            stored_at = item["Key"]
            body = self.s3.get_object(Bucket=OUTPUT_BUCKET, Key=stored_at)["Body"].read()
            document = json.loads(body)
            key = document["source"]["key"]
            named[key] += 1
            assert key in KEYS, f"{stored_at} holds the record of {key!r}"
            assert stored_at == RESULT_KEYS[key] == output_key(PREFIX, key), (stored_at, key)
            assert source_key(PREFIX, stored_at) == key
            results[key] = document
        assert all(count == 1 for count in named.values()), f"results per key: {named}"
        return results


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OUTPUT_BUCKET", OUTPUT_BUCKET)
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "ERROR")
    monkeypatch.setenv("OUTPUT_PREFIX", PREFIX)
    runtime.cache_clear()
    yield
    runtime.cache_clear()


def test_results_end_in_step_with_the_bucket(environment: None) -> None:
    def machine() -> OrderingMachine:
        mock = mock_aws()
        mock.start()
        instance = OrderingMachine()
        original = instance.teardown

        def teardown() -> None:
            try:
                original()
            finally:
                mock.stop()

        instance.teardown = teardown  # type: ignore[method-assign]
        return instance

    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
