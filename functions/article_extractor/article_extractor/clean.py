"""Pure text cleaning: whitespace normalisation and named line rules.

Extracted text holds one paragraph per line. Each rule looks at one line and says whether it is
clutter; `clean_text` drops those lines and counts, per rule, how many it removed, so the output
can report what fired (`extraction.cleaning`) and a caller can switch a rule off.

Example::

    result = clean_text("Body.\\nAlso Read\\n)")
    result.text     # "Body."
    result.removed  # {"related_label": 1, "stray_punctuation": 1}
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

LineRule = Callable[[str], bool]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_TEMPLATE_TOKEN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}|%%[A-Za-z_][\w.]*%%")
_RELATED_LABEL = re.compile(
    r"(also read|read also|read more|related|related (articles?|stories|posts|news|content)"
    r"|more (on this|stories|from [\w ]{1,30})|recommended( for you)?|you (may|might) also like"
    r"|see also|trending( now)?|most read)\s*[:\-\u2013\u2014»>]?",
    re.IGNORECASE,
)

# Notices are imperative or about "this site"/"your browser"; prose about JavaScript is neither.
_JAVASCRIPT_NOTICE = re.compile(
    r"((please|you (need|have) to|you must)\s+)?(enable|turn on|activate|allow)\s+"
    r"(your\s+)?javascript\b.{0,100}"
    r"|.{0,60}\b(please|you (need|have) to|you must)\s+(enable|turn on|activate|allow)\s+"
    r"(your\s+)?javascript\b.{0,60}"
    r"|(this|the) (site|page|website|app|application|content) (requires|needs) javascript\b.{0,80}"
    r"|javascript (is|must be) (disabled|required|turned off|enabled)\b.{0,80}"
    r"|your browser (does not|doesn't|cannot|can't) (support|display)\b.{0,80}",
    re.IGNORECASE,
)


def has_template_token(line: str) -> bool:
    """An unrendered template placeholder: `{{name}}`, `{% tag %}`, `${var}`, `%%NAME%%`."""
    return bool(_TEMPLATE_TOKEN.search(line))


def is_stray_punctuation(line: str) -> bool:
    """A line with no letter or digit at all (a lone `)`, `|`, `•`, `—`)."""
    return not any(char.isalnum() for char in line)


def is_related_label(line: str) -> bool:
    """A bare heading that introduces a related-links box ("Also Read", "Read more:")."""
    return bool(_RELATED_LABEL.fullmatch(line.strip()))


def is_javascript_notice(line: str) -> bool:
    """An app shell's fallback ("Please enable JavaScript to use this site.")."""
    return bool(_JAVASCRIPT_NOTICE.fullmatch(line))


RULES: Mapping[str, LineRule] = {
    "template_token": has_template_token,
    "stray_punctuation": is_stray_punctuation,
    "related_label": is_related_label,
    "javascript_notice": is_javascript_notice,
}


@dataclass(frozen=True)
class CleaningResult:
    text: str
    removed: dict[str, int]


def normalize_whitespace(text: str) -> str:
    """NFC, no zero-width characters, single spaces, one paragraph per line, no blank lines."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = (_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_text(text: str, disabled: Collection[str] = ()) -> CleaningResult:
    """Normalise whitespace, then drop every line an enabled rule calls clutter."""
    active = [(name, rule) for name, rule in RULES.items() if name not in disabled]
    removed: Counter[str] = Counter()
    kept = []
    for line in normalize_whitespace(text).split("\n"):
        fired = next((name for name, rule in active if rule(line)), None)
        if fired:
            removed[fired] += 1
        elif line:
            kept.append(line)
    return CleaningResult("\n".join(kept), dict(removed))


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:['\u2019][^\W{_CJK}]+)*")


def count_words(text: str) -> int:
    """Words in `text`; each Chinese/Japanese character counts as one word."""
    return len(_WORD.findall(text))
