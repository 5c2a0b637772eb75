"""At-least-once, unordered delivery: redelivery is harmless, an older event never overwrites a
newer result, racing writers settle on what the key holds, removals delete only what they
should. Each test builds the S3 history first, then delivers its events in a bad order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from article_extractor import __version__
from article_extractor.aws.result_stamps import Producer, ResultStamp, SourceStamp
from article_extractor.aws.results import Written, process_and_store
from article_extractor.aws.runtime import runtime
from article_extractor.aws.storage import S3ObjectReader, put_result
from article_extractor.config import Settings
from article_extractor.handler import WRITE_RESERVE_SECONDS, lambda_handler
from article_extractor.inputs import ObjectRef
from article_extractor.pipeline import process
from article_extractor.timestamps import format_time
from article_extractor_tools.local import LocalLambdaContext
from tests.conftest import FIXTURES
from tests.events import s3_event, s3_record, sqs_event, sqs_record
from tests.integration.conftest import INPUT_BUCKET, OUTPUT_BUCKET, Buckets
from tests.time_limits import expire_inside

ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()
OTHER = ARTICLE.replace(b"Marrow Hill", b"Juniper Ridge")
THIRD = ARTICLE.replace(b"Marrow Hill", b"Cobble Lane")
SETTINGS = Settings(output_bucket=OUTPUT_BUCKET)


def raw_result(buckets: Buckets, key: str) -> dict[str, Any]:
    return buckets.result(key)


def versioned(buckets: Buckets) -> None:
    buckets.s3.put_bucket_versioning(
        Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )


def later_than_now() -> str:
    return format_time(datetime.now(UTC) + timedelta(seconds=1))


def deliver(*records: dict[str, Any]) -> dict[str, Any]:
    return lambda_handler(s3_event(*records), LocalLambdaContext())


def test_redelivered_event_leaves_the_same_result(
    buckets: Buckets, context: LocalLambdaContext
) -> None:
    buckets.put("a.html", ARTICLE)
    event = sqs_event(sqs_record(s3_event(s3_record(INPUT_BUCKET, "a.html"))))
    assert lambda_handler(event, context) == {"batchItemFailures": []}
    first = raw_result(buckets, "a.html")
    assert lambda_handler(event, LocalLambdaContext()) == {"batchItemFailures": []}
    assert raw_result(buckets, "a.html") == first  # not rewritten: same processed_at


def test_older_version_event_does_not_overwrite_the_newer_result(buckets: Buckets) -> None:
    versioned(buckets)
    old = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=ARTICLE)["VersionId"]
    new = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=OTHER)["VersionId"]
    newer = s3_record(INPUT_BUCKET, "v.html", version_id=new, sequencer="00AA00000000000002")
    older = s3_record(INPUT_BUCKET, "v.html", version_id=old, sequencer="00AA00000000000001")

    deliver(newer)
    assert deliver(older)["processed"][0]["status"] == "stale"  # delivered late

    result = raw_result(buckets, "v.html")
    assert result["source"]["version_id"] == new
    assert "Juniper Ridge" in result["document"]["text"]


def test_an_event_for_an_old_version_makes_the_current_one_result(buckets: Buckets) -> None:
    """Without sequencers (Batch Operations, replays), the key's current object decides."""
    versioned(buckets)
    old = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=ARTICLE)["VersionId"]
    new = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="v.html", Body=OTHER)["VersionId"]
    record = s3_record(INPUT_BUCKET, "v.html", version_id=old)
    del record["s3"]["object"]["sequencer"]
    deliver(record)
    assert raw_result(buckets, "v.html")["source"]["version_id"] == new


def test_removal_in_the_same_second_as_a_reupload_keeps_the_result(buckets: Buckets) -> None:
    """The removal's event time is 0.5 s after the re-upload's LastModified (whole seconds), but
    its sequencer is older: the key holds an object, so its result stays."""
    buckets.put("r.html", ARTICLE)
    head = buckets.s3.head_object(Bucket=INPUT_BUCKET, Key="r.html")
    deliver(s3_record(INPUT_BUCKET, "r.html", sequencer="00BB00000000000002"))
    removal = s3_record(
        INPUT_BUCKET, "r.html", event_name="ObjectRemoved:Delete", sequencer="00BB00000000000001"
    )
    removal["eventTime"] = head["LastModified"].strftime("%Y-%m-%dT%H:%M:%S.500Z")
    assert deliver(removal)["processed"][0]["status"] == "stale"
    # Without a sequencer to tell, the key's object decides all the same.
    del removal["s3"]["object"]["sequencer"]
    assert deliver(removal)["processed"][0]["status"] == "unchanged"
    assert raw_result(buckets, "r.html")["status"] == "ok"


def test_deleting_a_noncurrent_version_keeps_the_current_result(buckets: Buckets) -> None:
    versioned(buckets)
    old = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="n.html", Body=ARTICLE)["VersionId"]
    new = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="n.html", Body=OTHER)["VersionId"]
    deliver(s3_record(INPUT_BUCKET, "n.html", version_id=new, sequencer="01"))
    buckets.s3.delete_object(Bucket=INPUT_BUCKET, Key="n.html", VersionId=old)
    removal = s3_record(
        INPUT_BUCKET, "n.html", event_name="ObjectRemoved:Delete", version_id=old, sequencer="02"
    )
    removal["eventTime"] = later_than_now()  # a removal after the current version's upload
    assert deliver(removal)["processed"][0]["status"] == "unchanged"
    assert raw_result(buckets, "n.html")["source"]["version_id"] == new


def test_late_event_for_a_deleted_old_version_keeps_the_good_result(buckets: Buckets) -> None:
    versioned(buckets)
    old = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="d.html", Body=ARTICLE)["VersionId"]
    new = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="d.html", Body=OTHER)["VersionId"]
    deliver(s3_record(INPUT_BUCKET, "d.html", version_id=new))
    buckets.s3.delete_object(Bucket=INPUT_BUCKET, Key="d.html", VersionId=old)
    late = s3_record(INPUT_BUCKET, "d.html", version_id=old)
    del late["s3"]["object"]["sequencer"]
    # Uploaded in the same second as the current version: its time (milliseconds) is later
    # than the current version's LastModified (whole seconds).
    head = buckets.s3.head_object(Bucket=INPUT_BUCKET, Key="d.html")
    late["eventTime"] = head["LastModified"].strftime("%Y-%m-%dT%H:%M:%S.300Z")
    deliver(late)
    result = raw_result(buckets, "d.html")
    assert (result["status"], result["source"]["version_id"]) == ("ok", new)


def test_deleting_the_current_version_brings_back_the_previous_one(buckets: Buckets) -> None:
    versioned(buckets)
    old = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="p.html", Body=ARTICLE)["VersionId"]
    new = buckets.s3.put_object(Bucket=INPUT_BUCKET, Key="p.html", Body=OTHER)["VersionId"]
    deliver(s3_record(INPUT_BUCKET, "p.html", version_id=new, sequencer="01"))
    buckets.s3.delete_object(Bucket=INPUT_BUCKET, Key="p.html", VersionId=new)
    deliver(
        s3_record(
            INPUT_BUCKET,
            "p.html",
            event_name="ObjectRemoved:Delete",
            version_id=new,
            sequencer="02",
        )
    )
    result = raw_result(buckets, "p.html")
    assert result["source"]["version_id"] == old
    assert "Marrow Hill" in result["document"]["text"]


def test_removal_deletes_the_result(buckets: Buckets, context: LocalLambdaContext) -> None:
    buckets.put("gone.html", ARTICLE)
    deliver(s3_record(INPUT_BUCKET, "gone.html", sequencer="01"))
    assert buckets.output_keys() == ["extracted/gone.html.json"]
    buckets.s3.delete_object(Bucket=INPUT_BUCKET, Key="gone.html")
    removal = s3_record(
        INPUT_BUCKET, "gone.html", event_name="ObjectRemoved:Delete", sequencer="02"
    )
    assert deliver(removal)["processed"][0]["status"] == "removed:deleted"
    assert buckets.output_keys() == []
    # The creation's event, delivered late, finds no object and writes nothing.
    assert deliver(s3_record(INPUT_BUCKET, "gone.html"))["processed"][0]["status"] == (
        "removed:absent"
    )
    assert buckets.output_keys() == []


def test_removals_can_be_switched_off(
    buckets: Buckets, context: LocalLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DELETE_ON_REMOVE", "false")
    runtime.cache_clear()
    buckets.put("keep.html", ARTICLE)
    deliver(s3_record(INPUT_BUCKET, "keep.html"))
    buckets.s3.delete_object(Bucket=INPUT_BUCKET, Key="keep.html")
    removal = s3_record(INPUT_BUCKET, "keep.html", event_name="ObjectRemoved:Delete")
    assert deliver(removal)["processed"][0]["status"] == "ignored"
    replayed = s3_record(INPUT_BUCKET, "keep.html", sequencer="0B")  # a later event for the key
    assert deliver(replayed)["processed"][0]["status"] == "removed:kept"
    assert buckets.output_keys() == ["extracted/keep.html.json"]
    # An upload deleted before it was read still gets its one record.
    deliver(s3_record(INPUT_BUCKET, "never-read.html"))
    assert raw_result(buckets, "never-read.html")["error"]["code"] == "object_not_found"


def test_a_writer_whose_snapshot_is_overtaken_looks_again(buckets: Buckets) -> None:
    """Writer A snapshots (no result), then, before A's conditional put, the key is overwritten
    and writer B stores the new object's record: A's put fails its precondition, A looks again
    and leaves B's result, which is the current object's."""
    buckets.put("race.html", ARTICLE)
    a = boto3.client("s3", region_name="us-east-1")
    b = boto3.client("s3", region_name="us-east-1")
    raced: list[Written] = []

    def interleave(params: dict[str, Any], **kwargs: Any) -> None:
        if not raced and params.get("Bucket") == OUTPUT_BUCKET:
            b.put_object(Bucket=INPUT_BUCKET, Key="race.html", Body=OTHER)
            ref = ObjectRef(INPUT_BUCKET, "race.html")
            raced.append(process_and_store(ref, b, S3ObjectReader(b), SETTINGS).written)

    a.meta.events.register("before-parameter-build.s3.PutObject", interleave)
    outcome = process_and_store(
        ObjectRef(INPUT_BUCKET, "race.html"), a, S3ObjectReader(a), SETTINGS
    )

    assert raced == [Written.WRITTEN]
    assert outcome.written is Written.UNCHANGED  # second look: B's result is the current one
    assert "Juniper Ridge" in raw_result(buckets, "race.html")["document"]["text"]


def test_a_change_during_extraction_is_caught_after_the_write(buckets: Buckets) -> None:
    """The key is overwritten between our read and our (successful) write: the look after the
    write sees it, and the current object's record replaces ours."""
    buckets.put("moving.html", ARTICLE)
    s3 = boto3.client("s3", region_name="us-east-1")
    changed: list[bool] = []

    def overwrite_source(params: dict[str, Any], **kwargs: Any) -> None:
        if not changed and params.get("Bucket") == OUTPUT_BUCKET:
            changed.append(True)
            buckets.put("moving.html", THIRD)

    s3.meta.events.register("before-parameter-build.s3.PutObject", overwrite_source)
    ref = ObjectRef(INPUT_BUCKET, "moving.html")
    assert process_and_store(ref, s3, S3ObjectReader(s3), SETTINGS).written is Written.WRITTEN
    assert "Cobble Lane" in raw_result(buckets, "moving.html")["document"]["text"]


def test_a_deletion_during_extraction_leaves_no_result(buckets: Buckets) -> None:
    """The removal's own event found no result to delete (ours was not written yet); our look
    after the write sees the key empty and takes our result back."""
    buckets.put("vanish.html", ARTICLE)
    s3 = boto3.client("s3", region_name="us-east-1")
    removed: list[Written] = []

    def delete_source(params: dict[str, Any], **kwargs: Any) -> None:
        if not removed and params.get("Bucket") == OUTPUT_BUCKET:
            buckets.s3.delete_object(Bucket=INPUT_BUCKET, Key="vanish.html")
            ref = ObjectRef(INPUT_BUCKET, "vanish.html", event_name="ObjectRemoved:Delete")
            other = boto3.client("s3", region_name="us-east-1")
            removed.append(process_and_store(ref, other, S3ObjectReader(other), SETTINGS).written)

    s3.meta.events.register("before-parameter-build.s3.PutObject", delete_source)
    outcome = process_and_store(
        ObjectRef(INPUT_BUCKET, "vanish.html"), s3, S3ObjectReader(s3), SETTINGS
    )
    assert removed == [Written.ABSENT]
    assert outcome.written is Written.DELETED
    assert buckets.output_keys() == []


def test_reprocess_replaces_results_of_older_producers_only(buckets: Buckets) -> None:
    buckets.put("up.html", ARTICLE)
    ref = ObjectRef(INPUT_BUCKET, "up.html")
    s3 = buckets.s3
    assert process_and_store(ref, s3, S3ObjectReader(s3), SETTINGS).written is Written.WRITTEN
    head = s3.head_object(Bucket=OUTPUT_BUCKET, Key="extracted/up.html.json")
    stamp = ResultStamp.from_metadata(head["Metadata"])
    assert stamp.producer.package_version == __version__

    def restamp(package_version: str) -> None:
        current = s3.head_object(Bucket=OUTPUT_BUCKET, Key="extracted/up.html.json")
        older = ResultStamp(stamp.source, Producer(package_version, "2.3.1"), None)
        assert put_result(
            s3, OUTPUT_BUCKET, "extracted/up.html.json", b"{}", older, current["ETag"]
        )

    restamp("0.0.1")
    reader = S3ObjectReader(s3)
    assert process_and_store(ref, s3, reader, SETTINGS).written is Written.UNCHANGED
    assert process_and_store(ref, s3, reader, SETTINGS, reprocess=True).written is Written.WRITTEN
    restamp("999.0")  # made by a newer package: never replaced by this one
    assert process_and_store(ref, s3, reader, SETTINGS, reprocess=True).written is (
        Written.UNCHANGED
    )


def test_archived_object_gets_its_own_record_and_is_made_again_once_restored(
    buckets: Buckets,
) -> None:
    buckets.put("cold.html", ARTICLE, StorageClass="GLACIER")
    record = s3_record(INPUT_BUCKET, "cold.html")
    response = lambda_handler(sqs_event(sqs_record(s3_event(record))), LocalLambdaContext())
    assert response == {"batchItemFailures": []}  # a record, not five retries
    result = raw_result(buckets, "cold.html")
    assert (result["status"], result["error"]["code"]) == ("skipped", "object_archived")

    buckets.s3.restore_object(Bucket=INPUT_BUCKET, Key="cold.html", RestoreRequest={"Days": 1})
    restored = s3_record(INPUT_BUCKET, "cold.html", event_name="ObjectRestore:Completed")
    deliver(restored)
    assert raw_result(buckets, "cold.html")["status"] == "ok"


def test_events_that_change_no_content_are_acknowledged_without_work(buckets: Buckets) -> None:
    buckets.put("acl.html", ARTICLE)
    for name in ("ObjectAcl:Put", "ObjectTagging:Put", "ObjectRestore:Delete"):
        assert deliver(s3_record(INPUT_BUCKET, "acl.html", event_name=name))["processed"][0][
            "status"
        ] == ("ignored")
    assert buckets.output_keys() == []


def test_stamps_read_back_as_written(buckets: Buckets) -> None:
    stamp = ResultStamp(
        SourceStamp(etag="e", version_id="v", sequencer="0A"), Producer("1.2.3", "2.3.1"), "x"
    )
    assert put_result(buckets.s3, OUTPUT_BUCKET, "k.json", b"{}", stamp, None)
    assert not put_result(buckets.s3, OUTPUT_BUCKET, "k.json", b"{}", stamp, None)  # exists
    head = buckets.s3.head_object(Bucket=OUTPUT_BUCKET, Key="k.json")
    assert ResultStamp.from_metadata(head["Metadata"]) == stamp
    assert (
        json.loads(buckets.s3.get_object(Bucket=OUTPUT_BUCKET, Key="k.json")["Body"].read()) == {}
    )


class FixedClockContext(LocalLambdaContext):
    """A context whose invocation always has `timeout_seconds` left: the budget an object gets
    does not depend on how fast the machine got there."""

    def get_remaining_time_in_millis(self) -> int:
        return int(self.timeout_seconds * 1000)


def test_slow_page_becomes_a_timeout_record(
    buckets: Buckets, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is left of the invocation, less the write reserve, bounds the page's processing;
    a page still processing when it runs out is a `timeout` record (here the budget runs out
    inside the extraction, however fast the machine)."""
    entered: list[str] = []

    def endless_extraction(*args: Any, **kwargs: Any) -> Any:
        entered.append("extract_article")
        expire_inside("extract_article")

    monkeypatch.setattr(process, "extract_article", endless_extraction)
    buckets.put("slow.html", ARTICLE)
    context = FixedClockContext(timeout_seconds=WRITE_RESERVE_SECONDS + 12.5)
    response = lambda_handler(
        sqs_event(sqs_record(s3_event(s3_record(INPUT_BUCKET, "slow.html")))), context
    )
    assert response == {"batchItemFailures": []}
    result = raw_result(buckets, "slow.html")
    assert (result["status"], result["error"]["code"]) == ("failed", "timeout")
    assert result["error"]["message"] == "processing took longer than 12.5 s"  # left, less 5 s
    assert entered == ["extract_article"]


def test_no_time_left_leaves_the_message_for_retry(buckets: Buckets) -> None:
    buckets.put("late.html", ARTICLE)
    record = sqs_record(s3_event(s3_record(INPUT_BUCKET, "late.html")), message_id="late")
    response = lambda_handler(sqs_event(record), LocalLambdaContext(timeout_seconds=2))
    assert response == {"batchItemFailures": [{"itemIdentifier": "late"}]}
    assert buckets.output_keys() == []
