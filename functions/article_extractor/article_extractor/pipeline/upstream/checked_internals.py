"""Checked use of trafilatura's and lxml's internals: an upgrade may make extraction slower,
never broken and never different.

`upstream.speedups`, `metadata.page_metadata`, `read.parsing` and `blocks.typed_blocks` rely on
names that are not part of trafilatura's public API (`trafilatura.extract`, `bare_extraction`,
`extract_metadata`, `load_html`...) or lxml's, or on the element names of trafilatura's result
tree. None of them imports such a name at module level: each step resolves what it relies on
with `internal`, checks the signatures it calls or replaces with `signature_is`, runs a cheap
behaviour check where one exists, all inside `verified`, once (at import, or at first use).
When everything is as verified the step uses it; otherwise `verified` logs one warning naming
the step and the reason and the step is left to trafilatura's public behaviour.
tests/unit/test_trafilatura_speedups.py checks that every step is enabled on
`VERIFIED_TRAFILATURA` and that a trafilatura without those names still extracts.

Example::

    prune = verified("outermost pruning", lambda: signature_is(
        internal("trafilatura.htmlprocessing", "prune_unwanted_nodes"),
        "(tree, nodelist, with_backup=False)",
    ))
    if prune is None:
        ...  # trafilatura's own code runs
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

LOGGER = logging.getLogger(__name__)

# The trafilatura release the checked steps were verified on: every test passes and every output
# document of bench/speed.py's evaluation set is identical with and without them.
VERIFIED_TRAFILATURA = "2.3.1"

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class NotAsVerifiedError(Exception):
    """Something a step relies on is missing or differs from what was verified."""


def internal(module: str, name: str) -> Any:
    """`module.name`, imported and looked up now; NotAsVerifiedError when either is missing.

    Example::

        internal("trafilatura.xpaths", "RAW_TREE_PRUNE_XPATH")
    """
    try:
        owner = importlib.import_module(module)
    except ImportError:
        raise NotAsVerifiedError(f"no module {module}") from None
    try:
        return getattr(owner, name)
    except AttributeError:
        raise NotAsVerifiedError(f"{module}.{name} is missing") from None


def require(condition: bool, reason: str) -> None:
    """NotAsVerifiedError(reason) unless `condition` holds.

    Example::

        require(tree is not None, "the sample page does not parse")
    """
    if not condition:
        raise NotAsVerifiedError(reason)


def signature_is(function: F, expected: str) -> F:
    """`function`, if its parameters (names, kinds and defaults; annotations aside) read
    `expected`; NotAsVerifiedError otherwise.

    Example::

        compare = signature_is(compare, "(cleaned_tree, raw_tree, body, text, options)")
    """
    name = getattr(function, "__name__", repr(function))
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        raise NotAsVerifiedError(f"{name} has no signature to check") from None
    bare = signature.replace(
        parameters=[
            parameter.replace(annotation=inspect.Parameter.empty)
            for parameter in signature.parameters.values()
        ],
        return_annotation=inspect.Signature.empty,
    )
    require(str(bare) == expected, f"{name}{bare} is not {name}{expected}")
    return function


def verified(step: str, check: Callable[[], T]) -> T | None:
    """What `check()` returns, or None after one warning naming `step` and the reason when what
    it relies on is missing or not as verified. Call it once per step, at import.

    Example::

        selectors = verified("raw-tree pruning walks", _raw_tree_selectors)
    """
    try:
        return check()
    except Exception as error:  # on an unverified version any failure means "use stock code"
        reason = str(error) if isinstance(error, NotAsVerifiedError) else _describe(error)
        LOGGER.warning(
            "%s disabled, stock code runs instead (trafilatura %s): %s",
            step,
            _trafilatura_version(),
            reason,
        )
        return None


def _describe(error: Exception) -> str:
    return f"its check raised {type(error).__name__}: {error}"


def _trafilatura_version() -> str:
    try:
        return str(getattr(importlib.import_module("trafilatura"), "__version__", "unknown"))
    except ImportError:
        return "(not importable)"
