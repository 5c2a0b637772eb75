"""`Wording` skips a regex search only when the text lacks every string the pattern requires:
the literals read off the pattern must really be required, and skipping must never change a
result, for the patterns the cleaning rules use and for constructs that require nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_extractor.pipeline.blocks import clean
from article_extractor.pipeline.literal_prefilter import Wording, required_literals

CLEAN_WORDINGS = {name: value for name, value in vars(clean).items() if isinstance(value, Wording)}
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        (r"subscribe (now|today)", {"subscribe "}),
        (r"(now|today) to subscribe", {" to subscribe"}),
        (r"^\W*(donate|support us)\b", {"donate", "support us"}),
        (r"free (articles?|stories) left", {"article", "stories"}),
        (r"(ab)+c", {"ab"}),
        (r"x(abc)+", {"abc"}),
        (r"(cookie|banner)s?|privacy", {"cookie", "banner", "privacy"}),
        (r"read(ing)? more|continue", {" more", "continue"}),
        # A superstring adds nothing: "newsletter" already covers "newsletter signup".
        (r"newsletter signup|zum newsletter|newsletter", {"newsletter"}),
    ],
)
def test_required_literals_of_common_constructs(pattern: str, required: set[str]) -> None:
    assert required_literals(re.compile(pattern)) == required


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+ comments|^\W*$",  # one branch requires nothing
        r"(abc)?\d+",  # optional
        r"(abc)*\d+",  # may repeat zero times
        r"a{0,3}b?",  # nothing of length > 0 is certain
        r"[abc]+",  # classes are not literals
        r"(?i)subscribe",  # inline case-insensitivity
        r"(?i:sub)scribe|donate",  # a scoped flag changes what a literal means
        r"(?=subscribe)\w+|x",  # a lookahead's text is not a match's text
    ],
)
def test_patterns_with_no_certain_string_are_always_searched(pattern: str) -> None:
    assert required_literals(re.compile(pattern)) is None


def test_case_insensitive_patterns_have_no_pre_check() -> None:
    assert required_literals(re.compile("subscribe", re.IGNORECASE)) is None
    assert Wording(re.compile("subscribe", re.IGNORECASE)).search("SUBSCRIBE")


def test_every_cleaning_wording_has_a_pre_check() -> None:
    """The speed of `clean_text` rests on this: a wording pattern without one is searched in full
    on every short line."""
    assert CLEAN_WORDINGS
    assert {name for name, wording in CLEAN_WORDINGS.items() if wording.required is None} == set()


def _lines() -> list[str]:
    texts = [path.read_text("utf-8", "replace") for path in sorted(SAMPLES.rglob("*.htm*"))]
    texts += [path.read_text("utf-8", "replace") for path in sorted(FIXTURES.rglob("*.htm*"))]
    return [line.lower() for text in texts for line in text.splitlines() if line.strip()]


def test_pre_check_agrees_with_the_regex_on_every_sample_line() -> None:
    lines = _lines()
    assert len(lines) > 500
    for name, wording in CLEAN_WORDINGS.items():
        for line in lines:
            assert wording.search(line) == bool(wording.pattern.search(line)), (name, line)


def _pieces(wording: Wording) -> list[str]:
    """Fragments a generated text is built from: the required strings, their halves, and the
    pattern's own words, so that generated lines come close to matching."""
    words = re.findall(r"[^\W\d_]+", wording.pattern.pattern)
    required = list(wording.required or ())
    return [*required, *(part[: len(part) // 2] for part in required), *words]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(CLEAN_WORDINGS)))
def test_pre_check_never_changes_a_result(data: st.DataObject, name: str) -> None:
    wording = CLEAN_WORDINGS[name]
    piece = st.sampled_from(_pieces(wording)) | st.text(" .:-©/{}$%!?", max_size=3)
    text = "".join(data.draw(st.lists(piece, max_size=12)))
    assert wording.search(text) == bool(wording.pattern.search(text))
