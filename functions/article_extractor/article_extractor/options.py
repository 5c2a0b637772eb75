"""How one object is processed: the options every entry point sets once and the pipeline reads,
in one frozen object (a new option is one field here, not a parameter on five signatures).

Example::

    options = ProcessingOptions(max_input_bytes=1 << 20, include_blocks=True)
    process_object(ObjectRef(None, "page.html"), reader, options)
    process_object(ref, reader, replace(options, time_budget=12.5))  # one object's budget
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ProcessingOptions:
    """`max_input_bytes` bounds the object read and its gunzipped bytes; `disabled_rules` names
    cleaning rules to switch off; `time_budget` (seconds, None: none) bounds the CPU-bound part
    (past it the record says `timeout`); `include_blocks` adds `document.blocks`;
    `content_model` off keeps trafilatura's content on every page (no page type, no block
    model); `explain` adds `extraction.decisions` and `extraction.metadata_sources` (what
    became of each block of the page and why, where each metadata field came from)."""

    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    disabled_rules: frozenset[str] = frozenset()
    time_budget: float | None = None
    include_blocks: bool = False
    content_model: bool = True
    explain: bool = False
