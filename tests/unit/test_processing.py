"""process_object over an in-memory reader: every status and error code the schema names."""

from __future__ import annotations

import gzip

import pytest

from article_extractor.document import Status
from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.inputs import FetchedObject, ObjectRef, too_large
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object
from tests.conftest import FIXTURES, SAMPLES, assert_valid_output

MAX = 1024 * 1024
ARTICLE = (FIXTURES / "minimal-article.html").read_bytes()


class MemoryReader:
    """An ObjectReader over bytes held in memory, with the same bound as the real readers."""

    def __init__(self, body: bytes, **attributes: object) -> None:
        self.body = body
        self.attributes = attributes
        self.reads = 0

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        self.reads += 1
        if len(self.body) > max_bytes:
            raise too_large(len(self.body), max_bytes)
        return FetchedObject(body=self.body, size=len(self.body), **self.attributes)  # type: ignore[arg-type]


class MissingReader:
    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        raise ProcessingError(ErrorCode.OBJECT_NOT_FOUND, "gone")


def run(body: bytes, key: str = "page.html", max_bytes: int = MAX, **attributes: object):  # type: ignore[no-untyped-def]
    document = process_object(
        ObjectRef("in", key),
        MemoryReader(body, **attributes),
        ProcessingOptions(max_input_bytes=max_bytes),
    )
    assert_valid_output(document.to_dict())
    return document


def test_article_is_ok_with_text_metadata_and_source() -> None:
    document = run(ARTICLE, etag="e1", version_id="v1", content_type="text/html")
    assert document.status is Status.OK
    assert document.error is None
    assert document.article is not None
    assert document.article.title == "A quiet morning at the observatory"
    assert document.article.word_count > 150
    assert (document.source.etag, document.source.version_id, document.source.size) == (
        "e1",
        "v1",
        len(ARTICLE),
    )
    assert document.extraction.input_encoding == "utf-8"


def test_source_url_metadata_becomes_the_url_hint() -> None:
    page = (
        b"<html><body><article><p>"
        + b"Words of an article. " * 30
        + b"</p></article></body></html>"
    )
    document = run(page, metadata={"source-url": "https://example.com/a"})
    assert document.source.url == "https://example.com/a"
    assert document.article is not None and document.article.url == "https://example.com/a"


@pytest.mark.parametrize("body", [b"", b"   \n\t  ", gzip.compress(b"  ")])
def test_empty_inputs_are_empty_input(body: bytes) -> None:
    key = "page.html.gz" if body.startswith(b"\x1f\x8b") else "page.html"
    document = run(body, key=key)
    assert document.status is Status.EMPTY
    assert document.error is not None and document.error.code == "empty_input"


def test_page_without_text_is_no_text() -> None:
    document = run((FIXTURES / "script-only.html").read_bytes())
    assert document.status is Status.EMPTY
    assert document.error is not None and document.error.code == "no_text"


@pytest.mark.parametrize(
    "key", ["notes.txt", "image.png", "data.json", "page.html.bak", "PAGE.HTML", "a.HTM.gz"]
)
def test_unsupported_keys_are_skipped_without_reading(key: str) -> None:
    reader = MemoryReader(ARTICLE)
    document = process_object(ObjectRef("in", key), reader, ProcessingOptions(max_input_bytes=MAX))
    assert document.status is Status.SKIPPED
    assert document.error is not None and document.error.code == "unsupported_key"
    assert document.error.message == "key does not end in .html, .htm, .html.gz or .htm.gz"
    assert reader.reads == 0


def test_too_large_input_is_skipped() -> None:
    document = run(ARTICLE, max_bytes=100)
    assert document.status is Status.SKIPPED
    assert document.error is not None and document.error.code == "input_too_large"


def test_gzip_key_is_inflated() -> None:
    document = run(gzip.compress(ARTICLE), key="page.html.gz")
    assert document.status is Status.OK


def test_content_encoding_gzip_is_inflated_whatever_the_key() -> None:
    document = run(gzip.compress(ARTICLE), key="page.html", content_encoding="gzip")
    assert document.status is Status.OK


def test_truncated_gzip_is_invalid_gzip() -> None:
    document = run((SAMPLES / "broken-upload.html.gz").read_bytes(), key="broken.html.gz")
    assert document.status is Status.FAILED
    assert document.error is not None and document.error.code == "invalid_gzip"


def test_gzip_inflating_past_the_bound_is_skipped() -> None:
    bomb = gzip.compress(b"<p>" + b"a" * (4 * 1024 * 1024))
    document = run(bomb, key="bomb.html.gz", max_bytes=MAX)
    assert document.status is Status.SKIPPED
    assert document.error is not None and document.error.code == "decompressed_too_large"


def test_binary_file_with_html_name_is_not_html() -> None:
    document = run(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert document.status is Status.FAILED
    assert document.error is not None and document.error.code == "not_html"


def test_missing_object_is_object_not_found() -> None:
    document = process_object(
        ObjectRef("in", "gone.html"), MissingReader(), ProcessingOptions(max_input_bytes=MAX)
    )
    assert document.status is Status.FAILED
    assert document.error is not None and document.error.code == "object_not_found"
    assert_valid_output(document.to_dict())


def test_legacy_charset_page_is_decoded() -> None:
    document = run((SAMPLES / "russian-windows-1251.html").read_bytes())
    assert document.status is Status.OK
    assert document.article is not None
    assert "Осенняя ярмарка" in document.article.text
    assert document.article.language == "ru"
    assert document.extraction.input_encoding == "cp1251"


def test_clutter_lines_are_removed_and_reported() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the story explains the council budget in some detail.</p>"
        for n in range(6)
    )
    page = (
        f"<html><body><article>{paragraphs}<p>You have {{{{free_limit}}}} free articles.</p>"
        "<p>)</p></article></body></html>"
    ).encode()
    document = run(page)
    assert document.article is not None
    assert "free_limit" not in document.article.text
    assert not any(line == ")" for line in document.article.text.splitlines())
    assert "Paragraph 5 of the story" in document.article.text
    assert document.extraction.cleaning == {"template_token": 1, "stray_punctuation": 1}


def test_unexpected_reader_errors_propagate_for_retry() -> None:
    class FlakyReader:
        def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
            raise ConnectionError("reset by peer")

    with pytest.raises(ConnectionError):
        process_object(
            ObjectRef("in", "a.html"), FlakyReader(), ProcessingOptions(max_input_bytes=MAX)
        )


WESTERN_PARAGRAPHS = (
    "Le marché couvert de la place Gambetta rouvre ses portes après deux années de travaux.",
    "« C’est une très belle journée », dit Hélène, qui tient l’étal de fromages.",
    "Les commerçants ont déjà réservé leurs emplacements ; la mairie prévoit une fête en été.",
    "Le café d’en face, fermé pendant le chantier, a lui aussi rouvert à l’aube ce lundi.",
)
CYRILLIC_PARAGRAPHS = (
    "Осенняя ярмарка открылась в субботу на главной площади города.",
    "Фермеры привезли мёд, яблоки и свежий хлеб из соседних деревень.",
    "По словам организаторов, за первый день ярмарку посетили три тысячи человек.",
    "Вечером на сцене выступил городской оркестр, и праздник продолжался до темноты.",
)
# Python codec names browsers do not know: text, bytes-to-bytes and platform-only codecs.
PYTHON_ONLY_LABELS = (
    "base64",
    "hex",
    "rot13",
    "zlib",
    "undefined",
    "cp037",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-7",
    "idna",
    "punycode",
    "mbcs",
    "uu",
    "bz2",
    "quopri",
)


@pytest.mark.parametrize("where", ["meta", "http"])
@pytest.mark.parametrize("label", PYTHON_ONLY_LABELS)
@pytest.mark.parametrize(
    ("paragraphs", "codec"), [(WESTERN_PARAGRAPHS, "cp1252"), (CYRILLIC_PARAGRAPHS, "cp1251")]
)
def test_charset_labels_only_python_knows_are_ignored_and_the_text_detected(
    paragraphs: tuple[str, ...], codec: str, label: str, where: str
) -> None:
    meta = f'<meta charset="{label}">' if where == "meta" else ""
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs * 2)
    page = f"<html><head>{meta}<title>{paragraphs[0][:20]}</title></head><body>{body}</body></html>"
    content_type = f"text/html; charset={label}" if where == "http" else "text/html"
    document = run(page.encode(codec), content_type=content_type)
    assert document.status is Status.OK
    assert document.extraction.input_encoding == codec
    assert document.article is not None
    for paragraph in paragraphs:
        assert paragraph in document.article.text


@pytest.mark.parametrize(
    "source_url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/news/a",
        "//example.com/a",
        "hard::page.html",
        "https://",
        "=?UTF-8?Q?javascript:alert(1)?=",
    ],
)
def test_source_url_that_is_no_absolute_http_url_is_dropped(source_url: str) -> None:
    page = (
        b"<html><body><article><p>"
        + b"Words of an article. " * 30
        + b"</p></article></body></html>"
    )
    document = run(page, metadata={"source-url": source_url})
    assert document.status is Status.OK
    assert document.source.url is None
    assert document.article is not None and document.article.url is None


def test_rfc_2047_encoded_source_url_is_decoded() -> None:
    page = (
        b"<html><body><article><p>"
        + b"Words of an article. " * 30
        + b"</p></article></body></html>"
    )
    document = run(
        page, metadata={"source-url": "=?UTF-8?B?aHR0cHM6Ly9leGFtcGxlLmNvbS9jYWbDqQ==?="}
    )
    assert document.source.url == "https://example.com/café"
    assert document.article is not None and document.article.url == "https://example.com/café"
