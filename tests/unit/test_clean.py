from __future__ import annotations

import pytest

from article_extractor.pipeline.blocks.clean import (
    RULES,
    clean_blocks,
    clean_text,
    count_words,
    first_rule,
    has_template_token,
    is_javascript_notice,
    is_related_label,
    is_stray_punctuation,
    normalize_whitespace,
)
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind

ARTICLE_LINES = [
    "The harbour master said the ferry would resume service on Monday.",
    "Repairs to the pier cost the council more than it had budgeted.",
    "Residents welcomed the news, though some remain sceptical.",
]


def test_rules_are_the_documented_ones() -> None:
    """The README's rule table and `extraction.cleaning` keys name exactly these."""
    assert set(RULES) == {
        "template_token",
        "stray_punctuation",
        "related_label",
        "subscription_teaser",
        "newsletter_signup",
        "social_prompt",
        "cookie_consent",
        "advertising",
        "image_credit",
        "comment_prompt",
        "donation_ask",
        "copyright_notice",
        "metadata_line",
        "app_prompt",
        "javascript_notice",
    }


# related_label


@pytest.mark.parametrize(
    "line",
    [
        "Also Read",
        "Read more:",
        "Related articles",
        "Related",
        "Related Stories »",
        "  See also  ",
        "You may also like",
        "Recommended for you",
        "More from Business",
        "Most read",
        "Trending now",
    ],
)
def test_related_label_fires_on_link_box_headings(line: str) -> None:
    assert is_related_label(line)


@pytest.mark.parametrize(
    "line",
    [
        "He read more books than anyone.",
        "Related work by the team was published in 2019.",
        "Also read the small print before signing.",
        "Trending topics change quickly on social media.",
    ],
)
def test_related_label_ignores_prose(line: str) -> None:
    assert not is_related_label(line)


# template_token


@pytest.mark.parametrize(
    "line",
    [
        "You have {{free_limit}} free articles",
        "{% if user %}",
        "${price}",
        "%%PLAN_NAME%%",
        "Subscribe for {{ price }} a month",
    ],
)
def test_template_token_fires_on_unrendered_placeholders(line: str) -> None:
    assert has_template_token(line)


@pytest.mark.parametrize(
    "line",
    [
        "Use braces {like this} in prose",
        "Prices rose 5% in March and 7% in April.",
        "The ticket cost $12, or {roughly} a day's wages.",
    ],
)
def test_template_token_ignores_prose(line: str) -> None:
    assert not has_template_token(line)


# stray_punctuation


@pytest.mark.parametrize("line", [")", "|", "• —", "...", "»"])
def test_stray_punctuation_fires_on_lines_without_letters_or_digits(line: str) -> None:
    assert is_stray_punctuation(line)


@pytest.mark.parametrize("line", ["42", "OK.", "(a)", "Ж", "日本"])
def test_stray_punctuation_keeps_lines_with_a_letter_or_digit(line: str) -> None:
    assert not is_stray_punctuation(line)


# javascript_notice


@pytest.mark.parametrize(
    "line",
    [
        "Please enable JavaScript to use this site.",
        "You need to enable JavaScript to run this app.",
        "This page requires JavaScript.",
        "Your browser does not support the video tag.",
    ],
)
def test_javascript_notice_fires_on_app_shell_fallbacks(line: str) -> None:
    assert is_javascript_notice(line)


@pytest.mark.parametrize(
    "line",
    [
        "JavaScript is a programming language created in 1995.",
        "In 1998, Netscape decided to enable JavaScript in all its browsers by default.",
    ],
)
def test_javascript_notice_ignores_prose_about_javascript(line: str) -> None:
    assert not is_javascript_notice(line)


# normalize_whitespace


def test_normalize_whitespace_turns_nbsp_and_tabs_into_single_spaces() -> None:
    assert normalize_whitespace("a\u00a0\u00a0b\t\tc   d") == "a b c d"


def test_normalize_whitespace_removes_zero_width_characters() -> None:
    assert normalize_whitespace("zero\u200bwidth\u200d join\ufeff") == "zerowidth join"


def test_normalize_whitespace_converts_crlf_and_cr_to_newlines() -> None:
    assert normalize_whitespace("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_normalize_whitespace_drops_blank_lines_and_trims_lines() -> None:
    assert normalize_whitespace("\n  first  \n\n \t \n\nsecond\n\n") == "first\nsecond"


def test_normalize_whitespace_composes_to_nfc() -> None:
    assert normalize_whitespace("caf" + "e\u0301") == "caf\u00e9"


# clean_text


def test_clean_text_counts_removals_per_rule_and_keeps_article_order() -> None:
    text = "\n".join(
        [
            ARTICLE_LINES[0],
            "Read more:",
            ARTICLE_LINES[1],
            "|",
            "Related articles",
            "Please enable JavaScript to use this site.",
            ARTICLE_LINES[2],
            "%%PLAN_NAME%%",
        ]
    )
    result = clean_text(text)
    assert result.text == "\n".join(ARTICLE_LINES)
    assert result.removed == {
        "related_label": 2,
        "stray_punctuation": 1,
        "javascript_notice": 1,
        "template_token": 1,
    }


def test_clean_text_reports_nothing_removed_for_clean_article() -> None:
    result = clean_text("\n".join(ARTICLE_LINES))
    assert result.text == "\n".join(ARTICLE_LINES)
    assert result.removed == {}


def test_clean_text_normalizes_whitespace_first() -> None:
    result = clean_text("  Body\u00a0text.  \r\n\r\n)\r\n")
    assert result.text == "Body text."
    assert result.removed == {"stray_punctuation": 1}


def test_disabled_rule_is_not_applied() -> None:
    result = clean_text("Body.\nAlso Read\n)", disabled={"related_label"})
    assert result.text == "Body.\nAlso Read"
    assert result.removed == {"stray_punctuation": 1}


def test_all_rules_disabled_keeps_every_line() -> None:
    text = "Body.\nAlso Read\n)\n{{x}}"
    assert clean_text(text, disabled=set(RULES)).text == text


def test_paywall_tail_after_article_is_removed() -> None:
    text = "\n".join(
        [
            *ARTICLE_LINES,
            "Also Read",
            "You've reached your limit of {{free_limit}} free articles this month.",
            ")",
        ]
    )
    result = clean_text(text)
    assert result.text.split("\n") == ARTICLE_LINES
    assert "Also Read" not in result.text
    assert "free_limit" not in result.text
    assert sum(result.removed.values()) == 3


# count_words


def test_count_words_english() -> None:
    assert count_words("one two three") == 3


def test_count_words_ignores_punctuation() -> None:
    assert count_words("Hello, world!  One -- two... three?") == 5


def test_count_words_counts_contraction_as_one_word() -> None:
    assert count_words("It's a dog's life.") == 4


def test_count_words_counts_each_japanese_character() -> None:
    assert count_words("日本語の文章") == 6


def test_count_words_mixed_latin_and_cjk() -> None:
    assert count_words("I love 東京 and カレー") == 8


def test_count_words_non_latin_alphabetic_words() -> None:
    assert count_words("Осенняя ярмарка собрала гостей") == 4


def test_count_words_empty_text_is_zero() -> None:
    assert count_words("  \n ... ") == 0


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("SUBSCRIBE NOW TO CONTINUE READING", "subscription_teaser"),
        ("Sign Up For Our Daily Newsletter", "newsletter_signup"),
        ("Follow Us On Instagram", "social_prompt"),
        ("We Use Cookies to improve your experience", "cookie_consent"),
        ("THIS POST CONTAINS AFFILIATE LINKS", "advertising"),
        ("GETTY IMAGES", "image_credit"),
        ("LEAVE A COMMENT", "comment_prompt"),
        ("DONATE NOW", "donation_ask"),
        ("ALL RIGHTS RESERVED.", "copyright_notice"),
        ("DOWNLOAD OUR APP", "app_prompt"),
    ],
)
def test_rules_ignore_case(line: str, rule: str) -> None:
    """Wording patterns are lower-case and see lower-cased lines: capitals change nothing."""
    assert RULES[rule](line)
    assert RULES[rule](line.lower())


def test_case_sensitive_patterns_are_lower_case() -> None:
    """A capital letter in a pattern matched against lower-cased lines could never match."""
    import re

    import article_extractor.pipeline.blocks.clean as clean
    from article_extractor.pipeline.literal_prefilter import LazyPattern, Wording

    case_sensitive = [
        value.pattern if isinstance(value, Wording) else value
        for value in vars(clean).values()
        if isinstance(value, Wording)
        or (isinstance(value, re.Pattern | LazyPattern) and not value.flags & re.IGNORECASE)
    ]
    assert len(case_sensitive) >= 14
    for pattern in case_sensitive:
        literal = re.sub(r"\\.|A-Z", "", pattern.pattern)
        assert literal == literal.lower(), pattern.pattern


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Get breaking news alerts sent straight to your phone.", "newsletter_signup"),
        ("Sign up for our breaking news alerts", "newsletter_signup"),
        ("Turn on notifications to hear first when the story changes.", "newsletter_signup"),
        ("Aktivieren Sie jetzt unsere Push-Benachrichtigungen", "newsletter_signup"),
        (
            "We have updated our privacy policy and terms of use. By continuing to use this site "
            "you agree to the updated terms, which explain how we collect, use and share your "
            "personal data and the choices you have.",
            "cookie_consent",
        ),
        (
            "Example News uses cookies to improve the site and to personalise ads. By using our "
            "site, you agree to our cookie use and our privacy policy.",
            "cookie_consent",
        ),
        (
            "Wir haben unsere Datenschutzerklärung aktualisiert. Bitte lesen Sie die neue "
            "Fassung, bevor Sie fortfahren.",
            "cookie_consent",
        ),
    ],
)
def test_alert_sign_ups_and_policy_update_notices_are_clutter(line: str, rule: str) -> None:
    """Promos without the word "newsletter" and consent notices several sentences long."""
    assert first_rule(line) == rule


def test_the_title_heading_goes_after_a_lead_figure_too() -> None:
    figure = Block(BlockKind.FIGURE, src="https://example.com/lead.jpg")
    heading = Block(BlockKind.HEADING, text="Ferry service resumes", level=1)
    body = Block(BlockKind.PARAGRAPH, text=ARTICLE_LINES[0])
    title = "Ferry service resumes"
    assert clean_blocks([figure, heading, body], title=title).blocks == (figure, body)
    assert clean_blocks([heading, body], title=title).blocks == (body,)
    # only the opening block: the same words further down are the page's own heading
    assert clean_blocks([figure, body, heading], title=title).blocks == (figure, body, heading)
