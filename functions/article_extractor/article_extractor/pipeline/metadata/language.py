"""Language of a text when the page does not declare one: by script, then by stopwords.

Scripts used by one language decide at once (kana -> ja, hangul -> ko, ...). Otherwise the
share of each candidate language's stopwords among the text's words decides, using the
stoplists justext ships (already part of trafilatura's dependencies: no extra package).

Example::

    detect_language("Le marché couvert de la place s'éveille très tôt le samedi ...")  # "fr"
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from article_extractor.pipeline.literal_prefilter import LazyPattern

# ISO 639-1 code -> justext stoplist, per script; the languages most published on the web.
_LATIN = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sk": "Slovak",
    "sv": "Swedish", "da": "Danish", "nb": "Norwegian_Bokmal", "fi": "Finnish",
    "hu": "Hungarian", "ro": "Romanian", "tr": "Turkish", "hr": "Croatian", "sl": "Slovenian",
    "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "ca": "Catalan", "id": "Indonesian",
    "vi": "Vietnamese", "sw": "Swahili", "tl": "Tagalog",
}  # fmt: skip
_CYRILLIC = {
    "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian", "sr": "Serbian", "mk": "Macedonian",
    "be": "Belarusian", "kk": "Kazakh",
}  # fmt: skip
_ARABIC = {"ar": "Arabic", "fa": "Persian", "ur": "Urdu"}
_DEVANAGARI = {"hi": "Hindi", "mr": "Marathi", "ne": "Nepali"}
# Scripts that name their language outright.
_SINGLE_LANGUAGE_SCRIPTS = (
    ("ja", LazyPattern(r"[\u3040-\u30ff]")),  # kana: checked before Han characters
    ("ko", LazyPattern(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", LazyPattern(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("th", LazyPattern(r"[\u0e00-\u0e7f]")),
    ("el", LazyPattern(r"[\u0370-\u03ff]")),
    ("he", LazyPattern(r"[\u0590-\u05ff]")),
    ("ka", LazyPattern(r"[\u10a0-\u10ff]")),
    ("hy", LazyPattern(r"[\u0530-\u058f]")),
)
_CYRILLIC_CHARS = LazyPattern(r"[\u0400-\u04ff]")
_ARABIC_CHARS = LazyPattern(r"[\u0600-\u06ff]")
_DEVANAGARI_CHARS = LazyPattern(r"[\u0900-\u097f]")
_LETTERS = LazyPattern(r"[^\W\d_]")
_WORD = LazyPattern(r"[^\W\d_]+")
_SAMPLE_CHARS = 6000
_MIN_WORDS = 12
_MIN_STOPWORD_SHARE = 0.12  # below this, no candidate language explains the text


@cache
def _stopwords(language: str) -> frozenset[str]:
    """One justext stoplist, loaded once per process (immutable, shared by every document)."""
    from justext import get_stoplist

    return frozenset(word.lower() for word in get_stoplist(language))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when the text is too short or unclear."""
    sample = text[:_SAMPLE_CHARS]
    letters = len(_LETTERS.findall(sample))
    if letters < 20:
        return None
    for code, script in _SINGLE_LANGUAGE_SCRIPTS:
        if len(script.findall(sample)) > 0.2 * letters:
            return code
    if len(_CYRILLIC_CHARS.findall(sample)) > 0.5 * letters:
        candidates = _CYRILLIC
    elif len(_ARABIC_CHARS.findall(sample)) > 0.5 * letters:
        candidates = _ARABIC
    elif len(_DEVANAGARI_CHARS.findall(sample)) > 0.5 * letters:
        candidates = _DEVANAGARI
    else:
        candidates = _LATIN
    words = [word.lower() for word in _WORD.findall(sample)]
    if len(words) < _MIN_WORDS:
        return None
    counts = Counter(words)
    shares = {
        code: sum(n for word, n in counts.items() if word in _stopwords(name)) / len(words)
        for code, name in candidates.items()
    }
    best = max(shares, key=shares.__getitem__)
    return best if shares[best] >= _MIN_STOPWORD_SHARE else None
