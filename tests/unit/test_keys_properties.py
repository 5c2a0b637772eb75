"""Properties of keys: S3's URL-encoding round-trips through event decoding, and every result
key stays inside the output prefix, within S3's limit, free of dot segments."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote_plus

from hypothesis import example, given, settings
from hypothesis import strategies as st

from article_extractor.events import refs_from_s3_event
from article_extractor.keys import LONG_KEYS_FOLDER, S3_MAX_KEY_BYTES, output_key
from tests.events import s3_event, s3_record

PROPERTIES = settings(max_examples=300)

KEYS = st.text(min_size=1, max_size=300)
# Path-shaped keys, so slashes, empty and dot segments and escapes turn up often, and keys as
# written by tools that upload absolute-looking paths.
PATH_KEYS = st.lists(
    st.one_of(
        st.sampled_from(["", ".", "..", "...", "%2E", "%2E%2E", "news", "a b", "é", "page.html"]),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=12,
).map("/".join).filter(bool) | st.builds("/{}".format, st.text(max_size=40))
ANY_KEYS = st.one_of(KEYS, PATH_KEYS)
_SEGMENT = st.text(
    st.characters(exclude_characters="/", exclude_categories=["Cs"]), min_size=1, max_size=20
).filter(lambda segment: segment not in (".", ".."))
# Prefixes the configuration accepts: no leading "/", no "." or ".." segment.
PREFIXES = st.one_of(
    st.just(""),
    st.sampled_from(["extracted/", "results/html/", "out-", "a"]),
    st.lists(_SEGMENT, min_size=1, max_size=3).map(lambda segments: "/".join(segments) + "/"),
)


def _has_dot_segment(key: str) -> bool:
    return any(segment in (".", "..") for segment in key.split("/"))


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def _long_key(data: st.DataObject, size: int = 1500) -> str:
    """A key of exactly `size` UTF-8 bytes, starting with arbitrary text."""
    head = data.draw(st.text(max_size=200))
    filler = data.draw(st.sampled_from("abxyz0/-_ "))
    return head + filler * (size - _utf8(head))


@given(key=ANY_KEYS)
@PROPERTIES
def test_s3_notification_keys_decode_to_the_original(key: str) -> None:
    for encoded in (quote_plus(key), quote_plus(key, safe="/")):
        record = s3_record("in", key)
        record["s3"]["object"]["key"] = encoded
        refs = refs_from_s3_event(s3_event(record))
        assert [ref.key for ref in refs] == [key]


@given(prefix=PREFIXES, key=ANY_KEYS)
@PROPERTIES
def test_output_key_stays_inside_the_prefix_and_the_s3_limit(prefix: str, key: str) -> None:
    result = output_key(prefix, key)
    assert result.startswith(prefix)
    assert result.endswith(".json")
    assert _utf8(result) <= S3_MAX_KEY_BYTES


@given(prefix=PREFIXES, key=ANY_KEYS)
@PROPERTIES
def test_output_key_has_no_dot_segment(prefix: str, key: str) -> None:
    result = output_key(prefix, key)
    assert "/../" not in result
    assert "/./" not in result
    assert not _has_dot_segment(result)


@given(prefix=PREFIXES, key=ANY_KEYS)
@example(prefix="", key="/news/page.html")
@PROPERTIES
def test_output_key_starts_with_slash_only_if_the_prefix_does(prefix: str, key: str) -> None:
    assert not output_key(prefix, key).startswith("/")


@given(prefix=PREFIXES, key=ANY_KEYS)
@PROPERTIES
def test_fitting_keys_without_dot_segments_map_verbatim(prefix: str, key: str) -> None:
    verbatim = f"{prefix}{key}.json"
    # Documented exceptions: dot segments, leading slashes (written %2F), over-long keys.
    if _utf8(verbatim) <= S3_MAX_KEY_BYTES and not _has_dot_segment(key) and key[:1] != "/":
        assert output_key(prefix, key) == verbatim


def test_leading_slashes_are_percent_encoded() -> None:
    assert output_key("", "/news/page.html") == "%2Fnews/page.html.json"
    assert output_key("out/", "//a.html") == "out/%2F%2Fa.html.json"


@given(prefix=PREFIXES, data=st.data())
@PROPERTIES
def test_long_key_maps_to_its_digest_in_the_long_keys_folder(
    prefix: str, data: st.DataObject
) -> None:
    key = _long_key(data)
    assert _utf8(key) == 1500
    result = output_key(prefix, key)
    assert re.fullmatch(re.escape(prefix + LONG_KEYS_FOLDER) + r"[0-9a-f]{64}\.json", result)
    assert result == f"{prefix}{LONG_KEYS_FOLDER}{hashlib.sha256(key.encode()).hexdigest()}.json"


@given(prefix=PREFIXES, data=st.data())
@PROPERTIES
def test_different_long_keys_map_to_different_output_keys(prefix: str, data: st.DataObject) -> None:
    keys = {_long_key(data, size=data.draw(st.integers(1020, 3000))) for _ in range(4)}
    assert len({output_key(prefix, key) for key in keys}) == len(keys)
