from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from article_extractor.config import (
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_OUTPUT_PREFIX,
    MAX_INPUT_BYTES_LIMIT,
    MAX_OBJECT_SECONDS_LIMIT,
    OUTPUT_PREFIX_MAX_BYTES,
    READ_CONCURRENCY_LIMIT,
    ConfigurationError,
    Settings,
)
from article_extractor.keys import S3_MAX_KEY_BYTES, output_key


def test_output_bucket_is_required() -> None:
    with pytest.raises(ConfigurationError, match="OUTPUT_BUCKET"):
        Settings.from_environ({})


def test_whitespace_only_output_bucket_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="OUTPUT_BUCKET"):
        Settings.from_environ({"OUTPUT_BUCKET": "   "})


def test_output_bucket_is_stripped() -> None:
    assert Settings.from_environ({"OUTPUT_BUCKET": " results \n"}).output_bucket == "results"


def test_defaults_apply_when_only_bucket_is_set() -> None:
    settings = Settings.from_environ({"OUTPUT_BUCKET": "results"})
    assert settings.output_bucket == "results"
    assert settings.output_prefix == "extracted/"
    assert settings.max_input_bytes == 10 * 1024 * 1024
    assert (DEFAULT_OUTPUT_PREFIX, DEFAULT_MAX_INPUT_BYTES) == ("extracted/", 10 * 1024 * 1024)


def test_blank_max_input_bytes_falls_back_to_default() -> None:
    settings = Settings.from_environ({"OUTPUT_BUCKET": "results", "MAX_INPUT_BYTES": " "})
    assert settings.max_input_bytes == 10 * 1024 * 1024


def test_custom_values_are_used() -> None:
    settings = Settings.from_environ(
        {"OUTPUT_BUCKET": "results", "OUTPUT_PREFIX": "clean/v2/", "MAX_INPUT_BYTES": " 2048 "}
    )
    assert settings == Settings(
        output_bucket="results", output_prefix="clean/v2/", max_input_bytes=2048
    )


def test_empty_output_prefix_is_allowed() -> None:
    assert Settings.from_environ({"OUTPUT_BUCKET": "b", "OUTPUT_PREFIX": ""}).output_prefix == ""


@pytest.mark.parametrize("raw", ["ten", "1.5", "10MB", "0", "-1", "-1048576"])
def test_invalid_max_input_bytes_is_rejected_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="MAX_INPUT_BYTES"):
        Settings.from_environ({"OUTPUT_BUCKET": "results", "MAX_INPUT_BYTES": raw})


def test_output_prefix_starting_with_slash_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="OUTPUT_PREFIX"):
        Settings.from_environ({"OUTPUT_BUCKET": "results", "OUTPUT_PREFIX": "/extracted/"})


def test_configuration_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="OUTPUT_BUCKET"):
        Settings.from_environ({"OUTPUT_PREFIX": "extracted/"})


# Ways a number can be written that `int()` reads or that fail far from the setting.
NOT_ASCII_DIGITS = ["١٢", "１２", "²", "1_000", "+5", "1e3", "0x10", "12.0", "1 000", "\u00a012"]


@pytest.mark.parametrize("name", ["MAX_INPUT_BYTES", "MAX_OBJECT_SECONDS", "READ_CONCURRENCY"])
@pytest.mark.parametrize("raw", NOT_ASCII_DIGITS)
def test_numbers_must_be_written_in_ascii_digits(name: str, raw: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{name} must be a whole number"):
        Settings.from_environ({"OUTPUT_BUCKET": "results", name: raw})


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("MAX_INPUT_BYTES", MAX_INPUT_BYTES_LIMIT),
        ("MAX_OBJECT_SECONDS", MAX_OBJECT_SECONDS_LIMIT),
        ("READ_CONCURRENCY", READ_CONCURRENCY_LIMIT),
    ],
)
def test_numbers_have_an_upper_bound(name: str, limit: int) -> None:
    loaded = Settings.from_environ({"OUTPUT_BUCKET": "results", name: f" {limit}\n"})
    assert limit in (
        loaded.max_input_bytes,
        loaded.max_object_seconds,
        loaded.read_concurrency,
    )
    for raw in (str(limit + 1), "100000000000000000000", "9" * 5000):
        with pytest.raises(ConfigurationError, match=f"^{name} must be at most {limit}, got "):
            Settings.from_environ({"OUTPUT_BUCKET": "results", name: raw})


def test_limits_are_sane() -> None:
    assert MAX_INPUT_BYTES_LIMIT == 1024**3  # 1 GiB: see config.py for why
    assert MAX_OBJECT_SECONDS_LIMIT < 900  # Lambda's longest timeout
    assert READ_CONCURRENCY_LIMIT == 64


def test_read_concurrency_zero_switches_reading_ahead_off() -> None:
    loaded = Settings.from_environ({"OUTPUT_BUCKET": "results", "READ_CONCURRENCY": "0"})
    assert loaded.read_concurrency == 0
    with pytest.raises(ConfigurationError, match=r"^MAX_OBJECT_SECONDS must be at least 1"):
        Settings.from_environ({"OUTPUT_BUCKET": "results", "MAX_OBJECT_SECONDS": "000"})


@pytest.mark.parametrize("character", ["a", "é", "日", "𝄞"])
def test_output_prefix_leaves_room_for_the_long_key_path(character: str) -> None:
    width = len(character.encode("utf-8"))
    longest = character * (OUTPUT_PREFIX_MAX_BYTES // width)
    loaded = Settings.from_environ({"OUTPUT_BUCKET": "results", "OUTPUT_PREFIX": longest})
    long_key = output_key(loaded.output_prefix, "k" * S3_MAX_KEY_BYTES + ".html")
    assert len(long_key.encode("utf-8")) <= S3_MAX_KEY_BYTES
    too_long = longest + character * (OUTPUT_PREFIX_MAX_BYTES % width + 1)
    with pytest.raises(ConfigurationError, match=r"^OUTPUT_PREFIX must be at most 944 bytes"):
        Settings.from_environ({"OUTPUT_BUCKET": "results", "OUTPUT_PREFIX": too_long})


VARIABLES = (
    "OUTPUT_BUCKET",
    "OUTPUT_PREFIX",
    "MAX_INPUT_BYTES",
    "INPUT_BUCKET",
    "DELETE_ON_REMOVE",
    "MAX_OBJECT_SECONDS",
    "READ_CONCURRENCY",
)
NUMBER_LIKE = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=10**10).map(lambda n: f" {n:_}\t"),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Zs"]), max_size=6),
    st.text(alphabet="0123456789 +-_.eE", max_size=12),
    st.text(max_size=20),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {"OUTPUT_BUCKET": st.sampled_from(["results", " ", "in"])},
        optional={
            "OUTPUT_PREFIX": st.one_of(
                st.text(max_size=20), st.text(alphabet="aé/", min_size=300, max_size=1000)
            ),
            "MAX_INPUT_BYTES": NUMBER_LIKE,
            "INPUT_BUCKET": st.sampled_from(["in", "results", ""]),
            "DELETE_ON_REMOVE": st.text(max_size=6),
            "MAX_OBJECT_SECONDS": NUMBER_LIKE,
            "READ_CONCURRENCY": NUMBER_LIKE,
        },
    )
)
def test_any_environment_gives_settings_in_range_or_an_error_naming_the_variable(
    environ: dict[str, str],
) -> None:
    try:
        loaded = Settings.from_environ(environ)
    except ConfigurationError as error:
        assert str(error).split()[0] in VARIABLES
        assert str(error).split()[0] in environ
        return
    assert 1 <= loaded.max_input_bytes <= MAX_INPUT_BYTES_LIMIT
    assert 1 <= loaded.max_object_seconds <= MAX_OBJECT_SECONDS_LIMIT
    assert 0 <= loaded.read_concurrency <= READ_CONCURRENCY_LIMIT
    long_key = output_key(loaded.output_prefix, "k" * S3_MAX_KEY_BYTES + ".html")
    assert len(long_key.encode("utf-8")) <= S3_MAX_KEY_BYTES


def test_disabled_cleaning_rules_are_named_rules() -> None:
    settings = Settings.from_environ(
        {
            "OUTPUT_BUCKET": "out",
            "DISABLED_CLEANING_RULES": " image_credit,metadata_line  app_prompt",
        }
    )
    assert settings.disabled_cleaning_rules == {"image_credit", "metadata_line", "app_prompt"}
    assert Settings.from_environ({"OUTPUT_BUCKET": "out"}).disabled_cleaning_rules == frozenset()
    with pytest.raises(ConfigurationError, match=r"DISABLED_CLEANING_RULES.*'image_credits'"):
        Settings.from_environ({"OUTPUT_BUCKET": "out", "DISABLED_CLEANING_RULES": "image_credits"})


def test_the_rule_names_are_the_cleaning_code_s() -> None:
    from article_extractor.document import CLEANING_RULES
    from article_extractor.pipeline.blocks.clean import RULES

    assert tuple(RULES) == CLEANING_RULES


@pytest.mark.parametrize("word", ["1", "y", "Yes", "T", "true", " ON "])
def test_one_set_of_true_words(word: str) -> None:
    from article_extractor.aws.runtime import tracing_enabled
    from article_extractor.config import is_true

    assert is_true(word)
    settings = Settings.from_environ({"OUTPUT_BUCKET": "out", "DELETE_ON_REMOVE": word})
    assert settings.delete_on_remove
    assert not tracing_enabled({"LAMBDA_TASK_ROOT": "/x", "POWERTOOLS_TRACE_DISABLED": word})


def test_content_model_is_on_unless_switched_off() -> None:
    assert Settings.from_environ({"OUTPUT_BUCKET": "out"}).content_model
    for word, expected in (("off", False), ("false", False), ("on", True), ("1", True)):
        environ = {"OUTPUT_BUCKET": "out", "CONTENT_MODEL": word}
        assert Settings.from_environ(environ).content_model is expected
    with pytest.raises(ConfigurationError, match="CONTENT_MODEL"):
        Settings.from_environ({"OUTPUT_BUCKET": "out", "CONTENT_MODEL": "sometimes"})


def test_decisions_are_off_unless_switched_on() -> None:
    settings = Settings.from_environ({"OUTPUT_BUCKET": "out"})
    assert not settings.output_decisions and not settings.processing_options().explain
    for word, expected in (("true", True), ("ON", True), ("0", False), (" ", False)):
        settings = Settings.from_environ({"OUTPUT_BUCKET": "out", "OUTPUT_DECISIONS": word})
        assert settings.output_decisions is expected
        assert settings.processing_options(time_budget=5.0).explain is expected
    with pytest.raises(ConfigurationError, match="OUTPUT_DECISIONS"):
        Settings.from_environ({"OUTPUT_BUCKET": "out", "OUTPUT_DECISIONS": "verbose"})
