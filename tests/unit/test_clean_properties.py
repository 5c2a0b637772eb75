"""Properties of `clean_text` over generated multi-line text: it is idempotent, keeps lines of
the input in order, accounts for every line, and never removes a long paragraph."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from article_extractor.pipeline.blocks.clean import (
    _WORD,
    clean_text,
    count_words,
    normalize_whitespace,
)

PROPERTIES = settings(max_examples=300)

# Sentences a story could hold (written for these tests).
SENTENCES = (
    "The council approved the new cycle lanes after a long debate on Tuesday evening.",
    "Farmers in the valley say the late frost damaged almost half of the apple blossom.",
    "She told reporters that the bridge would reopen before the start of the school year.",
    "Der Stadtrat hat am Dienstag die neuen Radwege nach langer Debatte beschlossen.",
    "Les habitants du quartier réclament depuis des années un marché couvert.",
    "El ayuntamiento aprobó el presupuesto con los votos de todos los grupos.",
    "Prices rose 5% in March, and tickets now cost $12 for adults.",
    "Why did the factory close so suddenly, after forty years?",
    "“No,” she said. “Never again.”",
    "Photos of the flood were shared thousands of times on Monday.",
    "Readers who subscribe to the printed edition will notice the new layout.",
    "Ошибки в отчёте нашли только через год после публикации.",
    "市の図書館は来月から開館時間を延長する。",
)
# Lines the cleaning rules are meant to remove, and prices/bullets that follow a paywall teaser.
CLUTTER = (
    "Also Read",
    "Read more: The mayor's plan for the old harbour",
    "Subscribe now",
    "Already a subscriber? Log in",
    "₹900",
    "3 Months",
    "€4.99 per month",
    "Advertisement",
    "Foto: dpa",
    "AFP / Jane Roe",
    "Share this article",
    "Facebook Twitter E-Mail",
    "We use cookies to improve your experience.",
    "© 2024 Example News. All rights reserved.",
    "Updated: 12.03.2024",
    "12 Comments",
    ")",
    "•",
    "You have {{free_limit}} free articles left",
    "Download our app",
    "Please enable JavaScript to view this site.",
    "Sign up for our daily newsletter",
    "Lesen Sie auch:",
    "Unlimited digital access",
)
# Characters whitespace normalisation acts on: zero-width, soft hyphen, combining marks, odd
# spaces and line breaks.
TRICKY = st.sampled_from(
    ["\u200b", "\u00ad", "\ufeff", "\u0301", "\u0308", "\u00a0", "\t", "\r", "\r\n", "  ", "\x0b"]
)
FRAGMENTS = st.one_of(
    st.sampled_from(SENTENCES), st.sampled_from(CLUTTER), st.text(max_size=60), TRICKY
)
LINES = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(CLUTTER),
    st.text(max_size=80),
    st.lists(FRAGMENTS, min_size=1, max_size=4).map(" ".join),
    st.lists(FRAGMENTS, min_size=1, max_size=4).map("".join),
)
TEXTS = st.lists(LINES, max_size=25).map("\n".join)


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _one_line_of_more_than_sixty_words(text: str) -> bool:
    lines = _lines(normalize_whitespace(text))
    return len(lines) == 1 and len(lines[0].split()) > 60 and count_words(lines[0]) > 60


# A paragraph of more than 60 words: prose sentences with clutter wording and odd text mixed in.
LONG_LINES = (
    st.lists(
        st.one_of(st.sampled_from(SENTENCES), st.sampled_from(SENTENCES), FRAGMENTS),
        min_size=8,
        max_size=16,
    )
    .map(" ".join)
    .filter(_one_line_of_more_than_sixty_words)
)


@given(text=TEXTS)
@example(text="cafe\u200b\u0301 au lait")  # removing the zero-width space lets é compose
@PROPERTIES
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once


@given(text=TEXTS)
@PROPERTIES
def test_kept_lines_are_normalised_input_lines_in_order(text: str) -> None:
    source = iter(_lines(normalize_whitespace(text)))
    for line in _lines(clean_text(text).text):
        assert any(line == candidate for candidate in source), line  # consumes: keeps order


@given(text=TEXTS)
@example(text="")
@example(text=" \n\t\n")
@PROPERTIES
def test_every_input_line_is_either_kept_or_counted_as_removed(text: str) -> None:
    result = clean_text(text)
    non_empty = _lines(normalize_whitespace(text))
    assert sum(result.removed.values()) + len(_lines(result.text)) == len(non_empty)


@given(
    before=st.lists(LINES, max_size=4).map("\n".join),
    paragraph=LONG_LINES,
    after=st.lists(LINES, max_size=4).map("\n".join),
)
@PROPERTIES
def test_lines_of_more_than_sixty_words_are_never_removed(
    before: str, paragraph: str, after: str
) -> None:
    text = f"{before}\n{paragraph}\n{after}"
    kept = _lines(clean_text(text).text)
    assert normalize_whitespace(paragraph) in kept
    for line in _lines(normalize_whitespace(text)):
        if len(line.split()) > 60 and count_words(line) > 60:
            assert line in kept


# Word characters and what separates or joins them: letters of several scripts, digits,
# other numbers, "_", combining marks, both apostrophes, CJK, punctuation and whitespace.
WORD_PIECES = st.sampled_from(
    [*"aZé9_²ٳ\u0301'\u2019-.,!?()«»“”日本カ한", " ", "\t", "\n", "\u00a0", "\u2003", "\x1c"]
)


@given(text=st.one_of(st.lists(WORD_PIECES, max_size=40).map("".join), st.text(max_size=40)))
@example(text="It's a dog's life.")
@example(text="don''t 'quoted' ’tis rock’n’roll snake_case x²")
@PROPERTIES
def test_count_words_is_the_number_of_word_matches(text: str) -> None:
    assert count_words(text) == len(_WORD.findall(text))
