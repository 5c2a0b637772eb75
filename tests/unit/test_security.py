"""Processing never touches the network, keys never leave the output prefix, and a dangerous
configuration is refused at cold start."""

from __future__ import annotations

import posixpath
import socket
from typing import Any

import pytest

from article_extractor.config import ConfigurationError, Settings
from article_extractor.document import Status
from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.keys import output_key
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object

STORY = "The observatory on Marrow Hill reopened after two winters of careful restoration work. "
NETWORK_BAIT = f"""<!DOCTYPE html SYSTEM "http://127.0.0.1:9/evil.dtd">
<html><head><base href="http://127.0.0.1:9/"><link rel="stylesheet" href="http://127.0.0.1:9/s.css">
<meta http-equiv="refresh" content="0; url=http://127.0.0.1:9/go">
<script src="http://127.0.0.1:9/x.js"></script></head><body><article>
<p>{STORY * 4}</p><img src="http://127.0.0.1:9/i.png" alt="x"><iframe src="http://127.0.0.1:9/f"></iframe>
<p>{STORY * 3}<a href="http://127.0.0.1:9/more">more</a></p></article></body></html>"""
EXTERNAL_ENTITY = f"""<!DOCTYPE html [<!ENTITY ext SYSTEM "http://127.0.0.1:9/secret">
<!ENTITY file SYSTEM "file:///etc/passwd">]><html><body><article><p>{STORY * 5}</p>
<p>&ext; &file;</p></article></body></html>"""


class PageReader:
    def __init__(self, html: str) -> None:
        self.body = html.encode()

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        return FetchedObject(
            body=self.body, size=len(self.body), metadata={"source-url": "http://127.0.0.1:9/page"}
        )


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any connection or DNS lookup during the test is recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network access during processing")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize("html", [NETWORK_BAIT, EXTERNAL_ENTITY], ids=["references", "entities"])
def test_processing_opens_no_connection(html: str, no_network: list[Any]) -> None:
    document = process_object(
        ObjectRef("in", "page.html"), PageReader(html), ProcessingOptions(max_input_bytes=1 << 20)
    )
    assert no_network == []
    assert document.status is Status.OK
    assert document.article is not None
    assert "Marrow Hill" in document.article.text
    assert "root:" not in document.article.text


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("../../etc/passwd.html", "extracted/%2E%2E/%2E%2E/etc/passwd.html.json"),
        ("a/./b/../c.html", "extracted/a/%2E/b/%2E%2E/c.html.json"),
        ("/absolute.html", "extracted/%2Fabsolute.html.json"),
        ("..html", "extracted/..html.json"),  # not a path segment: kept as is
    ],
)
def test_output_keys_cannot_leave_the_prefix(key: str, expected: str) -> None:
    mapped = output_key("extracted/", key)
    assert mapped == expected
    assert posixpath.normpath(mapped).startswith("extracted/")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OUTPUT_BUCKET": "same", "INPUT_BUCKET": "same"}, "is also INPUT_BUCKET"),
        ({"OUTPUT_BUCKET": "out", "OUTPUT_PREFIX": "a/../b/"}, "must not hold '.' or '..'"),
        ({"OUTPUT_BUCKET": "out", "OUTPUT_PREFIX": "/abs/"}, "must not start with '/'"),
        ({"OUTPUT_BUCKET": "out", "DELETE_ON_REMOVE": "maybe"}, "DELETE_ON_REMOVE must be"),
        ({"OUTPUT_BUCKET": "out", "MAX_OBJECT_SECONDS": "0"}, "MAX_OBJECT_SECONDS must be"),
        # The environment can hold undecodable bytes (as surrogates); S3 keys cannot.
        ({"OUTPUT_BUCKET": "out", "OUTPUT_PREFIX": "\udc80x/"}, "not valid UTF-8"),
    ],
)
def test_dangerous_configuration_is_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_environ(environ)


def test_reliability_settings_have_documented_defaults() -> None:
    settings = Settings.from_environ({"OUTPUT_BUCKET": "out", "INPUT_BUCKET": "in"})
    assert (settings.input_bucket, settings.delete_on_remove, settings.max_object_seconds) == (
        "in",
        True,
        30.0,
    )
