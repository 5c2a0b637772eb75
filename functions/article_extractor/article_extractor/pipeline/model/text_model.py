"""What a block's words say about it: a linear model over hashed word and character n-grams.

A block's text becomes three groups of hashed grams: its words (lower-cased `\\w+` tokens), its
word pairs, and the character 3- to 5-grams of each word padded with a space on both sides (so
"Newsletter", "newsletters" and "Newsletter-Anmeldung" share most of theirs, in any language).
Each group is averaged: the score is `bias + mean(word weights) + mean(pair weights) +
mean(char gram weights)`, every mean taken over the grams the block has (0 for an empty group).
Weights live in `BUCKETS` hashed slots (`zlib.crc32` of the group's tag and the gram), fitted
offline (`training/text_model.py`) and shipped in `text_model.json` as 16-bit integers.

Because char grams never cross a word, a word's char-gram weight sum and count are the same on
every page: they are computed once per word and cached, so a block costs a dict lookup per word
and a hash per word pair.

Example::

    text_logit("Subscribe to our newsletter for the latest news")  # < 0: not content
"""

from __future__ import annotations

import base64
import json
import zlib
from array import array
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from article_extractor.pipeline.literal_prefilter import LazyPattern

MODEL_PATH = Path(__file__).with_name("text_model.json")
BITS = 16
BUCKETS = 1 << BITS
CHAR_SIZES = (3, 4, 5)
_MASK = BUCKETS - 1
_TOKEN = LazyPattern(r"\w+")
_WORD_CACHE_LIMIT = 50_000  # cached words and word pairs (some MB each) before starting over


def word_slot(word: str) -> int:
    return zlib.crc32(b"w" + word.encode("utf-8", "surrogatepass")) & _MASK


def pair_slot(first: str, second: str) -> int:
    return zlib.crc32(f"p{first} {second}".encode("utf-8", "surrogatepass")) & _MASK


def char_slots(word: str) -> list[int]:
    """The slots of a word's character grams (the word padded with a space on both sides)."""
    padded = f" {word} "
    slots = []
    for size in CHAR_SIZES:
        for start in range(len(padded) - size + 1):
            gram = padded[start : start + size]
            slots.append(zlib.crc32(("c" + gram).encode("utf-8", "surrogatepass")) & _MASK)
    return slots


def words_of(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def grams(words: list[str]) -> tuple[list[int], list[int], list[int]]:
    """A block's slots by group: words, word pairs, character grams (training reads these)."""
    chars: list[int] = []
    for word in words:
        chars.extend(char_slots(word))
    pairs = [pair_slot(a, b) for a, b in pairwise(words)]
    return [word_slot(w) for w in words], pairs, chars


class TextModel:
    """The shipped weights, with a per-word cache of (word weight, char weight sum, count)."""

    def __init__(self, bias: float, weights: Iterable[float]) -> None:
        self.bias = bias
        self.weights = list(weights)
        self._words: dict[str, tuple[float, float, int]] = {}
        self._pairs: dict[tuple[str, str], float] = {}

    @classmethod
    def from_json(cls, loaded: dict[str, Any]) -> TextModel:
        raw = array("h")
        raw.frombytes(base64.b64decode(loaded["weights"]))
        if raw.itemsize != 2 or len(raw) != BUCKETS or loaded["bits"] != BITS:
            raise ValueError("text model: weights do not match the hashing")
        scale = float(loaded["scale"])
        return cls(float(loaded["bias"]), (v * scale for v in raw))

    def _word(self, word: str) -> tuple[float, float, int]:
        known = self._words.get(word)
        if known is None:
            weights = self.weights
            slots = char_slots(word)
            known = (weights[word_slot(word)], sum(weights[s] for s in slots), len(slots))
            if len(self._words) >= _WORD_CACHE_LIMIT:
                self._words.clear()
            self._words[word] = known
        return known

    def logit(self, words: list[str]) -> float:
        """The model's log-odds that a block of these words is content (`bias` when empty)."""
        if not words:
            return self.bias
        weights = self.weights
        word_sum = char_sum = 0.0
        char_count = 0
        for word in words:
            w, c, n = self._word(word)
            word_sum += w
            char_sum += c
            char_count += n
        z = self.bias + word_sum / len(words) + char_sum / char_count
        if len(words) > 1:
            pairs = self._pairs
            pair_sum = 0.0
            for pair in pairwise(words):
                known = pairs.get(pair)
                if known is None:
                    known = weights[pair_slot(*pair)]
                    if len(pairs) >= _WORD_CACHE_LIMIT:
                        pairs.clear()
                    pairs[pair] = known
                pair_sum += known
            z += pair_sum / (len(words) - 1)
        return z


def export(bias: float, weights: Iterable[float], path: Path, **about: Any) -> None:
    """Write weights as the runtime reads them: 16-bit integers times `scale`, base64."""
    values = [float(v) for v in weights]
    if len(values) != BUCKETS:
        raise ValueError(f"{len(values)} weights for {BUCKETS} slots")
    top = max((abs(v) for v in values), default=0.0) or 1.0
    scale = top / 32767
    packed = array("h", (round(v / scale) for v in values))
    path.write_text(
        json.dumps(
            {
                "kind": "hashed word, word pair and char 3-5 gram means, linear",
                "bits": BITS,
                "bias": bias,
                "scale": scale,
                "weights": base64.b64encode(packed.tobytes()).decode("ascii"),
                **about,
            }
        ),
        encoding="utf-8",
    )


@cache
def shipped() -> TextModel:
    """The shipped model, read on first use."""
    return TextModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def text_logit(text: str, model: TextModel | None = None) -> float:
    return (model or shipped()).logit(words_of(text))
