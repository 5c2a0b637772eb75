"""Properties of keys: S3's URL-encoding round-trips through event decoding, and every result
key stays inside the output prefix, within S3's limit, free of dot segments, and names one
source key only (`source_key` inverts `output_key`)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote_plus

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from article_extractor.aws.events import refs_from_s3_event
from article_extractor.keys import LONG_KEYS_FOLDER, S3_MAX_KEY_BYTES, output_key, source_key
from tests.events import s3_event, s3_record

PROPERTIES = settings(max_examples=300)

KEYS = st.text(min_size=1, max_size=300)
# Path-shaped keys, so slashes, empty and dot segments and escapes turn up often, and keys as
# written by tools that upload absolute-looking paths.
PATH_KEYS = st.lists(
    st.one_of(
        st.sampled_from(
            ["", ".", "..", "...", "%", "%2E", "%2E%2E", "%252E", "%2F", "%25", "%5Flong-keys"]
        ),
        st.sampled_from(["_long-keys", "news", "a b", "é", "page.html"]),
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


def _has_escaped_segment(key: str) -> bool:
    """Segments `output_key` writes differently: dot segments, those starting with `%`, and a
    first segment `_long-keys`."""
    segments = key.split("/")
    return (
        _has_dot_segment(key)
        or any(segment.startswith("%") for segment in segments)
        or segments[0] == LONG_KEYS_FOLDER.rstrip("/")
    )


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
    # Documented exceptions: escaped segments, leading slashes (written %2F), over-long keys.
    if _utf8(verbatim) <= S3_MAX_KEY_BYTES and not _has_escaped_segment(key) and key[:1] != "/":
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


# Pairs that shared one result key before `%` at a segment's start was escaped, and keys that
# mapped into the long-keys folder.
COLLIDING_TODAY = [
    ("x/./a.html", "x/%2E/a.html"),
    ("x/../a.html", "x/%2E%2E/a.html"),
    ("/a.html", "%2Fa.html"),
    ("/./a.html", "%2F%2E/a.html"),
    (LONG_KEYS_FOLDER + hashlib.sha256(b"0" * 2000).hexdigest(), "0" * 2000),
]


@pytest.mark.parametrize(("first", "second"), COLLIDING_TODAY)
@pytest.mark.parametrize("prefix", ["extracted/", "", "out-"])
def test_keys_that_collided_map_to_different_output_keys(
    prefix: str, first: str, second: str
) -> None:
    assert output_key(prefix, first) != output_key(prefix, second)


def test_a_percent_segment_is_escaped_so_it_reads_back() -> None:
    assert output_key("extracted/", "x/%2E/a.html") == "extracted/x/%252E/a.html.json"
    assert output_key("extracted/", "%2Fa.html") == "extracted/%252Fa.html.json"
    assert output_key("", "_long-keys/a.html") == "%5Flong-keys/a.html.json"
    assert output_key("", "b/_long-keys/a.html") == "b/_long-keys/a.html.json"  # not first


def _fits(prefix: str, key: str) -> bool:
    return not output_key(prefix, key).startswith(prefix + LONG_KEYS_FOLDER)


@given(prefix=PREFIXES, key=ANY_KEYS)
@example(prefix="extracted/", key="x/%2E/a.html")
@example(prefix="", key="/%2F")
@example(prefix="", key="_long-keys/a")
@PROPERTIES
def test_source_key_inverts_output_key(prefix: str, key: str) -> None:
    if _fits(prefix, key):
        assert source_key(prefix, output_key(prefix, key)) == key


# Keys from a few segments that look alike once escaped, so near-collisions turn up often.
LOOKALIKE_KEYS = st.lists(
    st.sampled_from(["", ".", "..", "%2E", "%2E%2E", "%252E", "%2F", "%25", "_long-keys", "a"]),
    min_size=1,
    max_size=4,
).map("/".join)


@given(
    prefix=PREFIXES,
    first=st.one_of(LOOKALIKE_KEYS, ANY_KEYS),
    second=st.one_of(LOOKALIKE_KEYS, ANY_KEYS),
)
@PROPERTIES
def test_output_key_is_injective(prefix: str, first: str, second: str) -> None:
    if first != second:
        assert output_key(prefix, first) != output_key(prefix, second)


@given(prefix=PREFIXES, key=ANY_KEYS, data=st.data())
@PROPERTIES
def test_no_ordinary_key_maps_into_the_long_keys_folder(
    prefix: str, key: str, data: st.DataObject
) -> None:
    result = output_key(prefix, key)
    if result.startswith(prefix + LONG_KEYS_FOLDER):
        assert (
            result == f"{prefix}{LONG_KEYS_FOLDER}{hashlib.sha256(key.encode()).hexdigest()}.json"
        )
    # A key written to look like a long-key result is still an ordinary key.
    digest = data.draw(st.text("0123456789abcdef", min_size=64, max_size=64))
    disguised = f"{LONG_KEYS_FOLDER}{digest}"
    assert output_key(prefix, disguised) != f"{prefix}{LONG_KEYS_FOLDER}{digest}.json"


@given(prefix=PREFIXES, result=st.text(max_size=60), key=ANY_KEYS)
@PROPERTIES
def test_source_key_accepts_only_what_output_key_returns(
    prefix: str, result: str, key: str
) -> None:
    for candidate in (prefix + result, output_key(prefix, key) + result):
        try:
            found = source_key(prefix, candidate)
        except ValueError:
            continue
        assert output_key(prefix, found) == candidate


def test_source_key_refuses_long_key_results_and_foreign_keys() -> None:
    with pytest.raises(ValueError, match="digest"):
        source_key("extracted/", output_key("extracted/", "a" * 2000))
    with pytest.raises(ValueError, match="not a result key"):
        source_key("extracted/", "other/a.html.json")
    with pytest.raises(ValueError, match="no source key"):
        source_key("extracted/", "extracted/x/./a.html.json")
