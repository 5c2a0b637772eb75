"""The published JSON Schema and the code that writes documents agree, and the schema bites."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from article_extractor.document import (
    CLEANING_RULES,
    METADATA_SOURCES,
    RULE_PREFIX,
    SCHEMA_VERSION,
    Status,
)
from article_extractor.errors import ErrorCode
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.blocks.typed_blocks import BlockKind
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader
from tests.conftest import FIXTURES, SCHEMA_VALIDATOR, assert_valid_output, load_schema


def ok_document() -> dict[str, Any]:
    ref = ObjectRef(bucket=None, key=str(FIXTURES / "minimal-article.html"))
    return process_object(
        ref, LocalFileReader(), ProcessingOptions(max_input_bytes=1 << 20)
    ).to_dict()


def test_status_and_error_code_enums_match_the_code() -> None:
    schema = load_schema()
    assert schema["properties"]["status"]["enum"] == [str(status) for status in Status]
    assert schema["properties"]["error"]["properties"]["code"]["enum"] == [
        str(code) for code in ErrorCode
    ]


def test_schema_version_matches() -> None:
    document = ok_document()
    assert document["schema_version"] == SCHEMA_VERSION
    assert_valid_output(document)


def test_ok_document_round_trips_through_json() -> None:
    document = ok_document()
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document


def _invalid(document: dict[str, Any]) -> bool:
    return not SCHEMA_VALIDATOR.is_valid(document)


def test_schema_rejects_unknown_fields() -> None:
    document = ok_document()
    document["document"]["surprise"] = 1
    assert _invalid(document)


def test_schema_rejects_ok_without_text() -> None:
    document = ok_document()
    document["document"]["text"] = ""
    assert _invalid(document)


def test_schema_requires_error_when_not_ok() -> None:
    document = ok_document()
    document["status"] = "failed"
    assert _invalid(document)
    document["error"] = {"code": "not_html", "message": "PNG"}
    assert not _invalid(document)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("status",), "done"),
        (("extraction", "processed_at"), "yesterday"),
        (("document", "language"), "English"),
        (("document", "date"), "14 March 2026"),
        (("source", "size"), -1),
    ],
)
def test_schema_rejects_malformed_values(path: tuple[str, ...], value: object) -> None:
    document = copy.deepcopy(ok_document())
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert _invalid(document)


def explained_document() -> dict[str, Any]:
    ref = ObjectRef(bucket=None, key=str(FIXTURES / "review" / "article.html"))
    return process_object(ref, LocalFileReader(), ProcessingOptions(explain=True)).to_dict()


def test_decisions_and_metadata_sources_follow_the_schema_and_its_vocabularies() -> None:
    document = explained_document()
    assert_valid_output(document)
    extraction = load_schema()["properties"]["extraction"]["properties"]
    entry = extraction["decisions"]["items"]["properties"]
    assert entry["block"]["enum"] == [str(kind) for kind in BlockKind]
    assert extraction["metadata_sources"]["additionalProperties"]["enum"] == list(METADATA_SOURCES)
    by = re.compile(entry["by"]["pattern"])
    assert all(by.fullmatch(f"{RULE_PREFIX}{rule}") for rule in CLEANING_RULES)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decision", "maybe"),
        ("by", "a guess"),
        ("score", 1.5),
        ("text", "x" * 201),
        ("block", "sidebar"),
    ],
)
def test_schema_rejects_malformed_decisions(field: str, value: object) -> None:
    document = explained_document()
    document["extraction"]["decisions"][0][field] = value
    assert _invalid(document)


def test_schema_rejects_an_unknown_metadata_source() -> None:
    document = explained_document()
    document["extraction"]["metadata_sources"]["title"] = "a guess"
    assert _invalid(document)
