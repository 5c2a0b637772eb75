"""Which requests to the local stack's server store an object (what `serve` reports when no
notification matched it), and the reason it gives."""

from __future__ import annotations

from typing import Any

import pytest

from article_extractor_tools.local import stored_object, untriggered_reason


@pytest.mark.parametrize(
    ("method", "path", "query", "stored"),
    [
        ("PUT", "/article-input/product.HTML", "", ("article-input", "product.HTML")),
        # WSGI's path: the percent-decoded UTF-8 bytes, one latin-1 character each.
        ("PUT", "/in/a b/é.txt".encode().decode("latin-1"), "", ("in", "a b/é.txt")),
        ("POST", "/in/big.HTM", "uploadId=abc", ("in", "big.HTM")),  # multipart completed
        ("PUT", "/in/big.HTM", "partNumber=1&uploadId=abc", None),  # one part: not yet stored
        ("PUT", "/in/a.html", "tagging", None),
        ("PUT", "/in", "", None),  # CreateBucket
        ("GET", "/in/a.html", "", None),
        ("DELETE", "/in/a.html", "", None),
    ],
)
def test_stored_object(method: str, path: str, query: str, stored: tuple[str, str] | None) -> None:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    assert stored_object(environ) == stored


@pytest.mark.parametrize(
    ("key", "renamed"),
    [
        ("product.HTML", "product.html"),
        ("news/Page.Htm", "news/Page.htm"),
        ("a.HTML.GZ", "a.html.gz"),
        ("a.htm.GZ", "a.htm.gz"),
    ],
)
def test_a_key_that_differs_only_in_case_is_told_its_name(key: str, renamed: str) -> None:
    assert untriggered_reason(key) == (
        "only keys ending in .html, .htm, .html.gz or .htm.gz trigger, compared "
        f"case-sensitively as S3 compares them (upload it as {renamed})"
    )


@pytest.mark.parametrize("key", ["notes.txt", "page.html.bak", "archive.gz", "page.xhtml.zip"])
def test_any_other_key_is_told_which_keys_trigger(key: str) -> None:
    assert untriggered_reason(key) == "only keys ending in .html, .htm, .html.gz or .htm.gz trigger"
