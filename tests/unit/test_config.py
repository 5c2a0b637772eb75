from __future__ import annotations

import pytest

from article_extractor.config import (
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_OUTPUT_PREFIX,
    ConfigurationError,
    Settings,
)


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
