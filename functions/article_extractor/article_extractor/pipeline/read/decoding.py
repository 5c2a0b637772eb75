"""HTML bytes -> text: BOM, then declared charset (HTTP header, then <meta>), then detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import webencodings

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.literal_prefilter import LazyPattern

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Codec names charset_normalizer detects that browsers decode with a superset (WHATWG Encoding
# Standard); decoding with the superset is what a reader of the page saw.
_SUPERSETS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# The WHATWG encodings whose browser decoder is wider than the Python codec webencodings names:
# GBK is decoded with the gb18030 decoder.
_BROWSER_DECODERS = {"gbk": "gb18030"}
# Browsers decode the "replacement" labels (ISO-2022-KR, HZ-GB-2312, ...) to one U+FFFD, which
# would lose the page: they count as no declaration, so detection reads the bytes.
_REPLACEMENT = "replacement"
X_USER_DEFINED = "x-user-defined"
# The one WHATWG encoding whose text is 7-bit: its pages are valid UTF-8 and must not read as it.
_SEVEN_BIT = "iso2022_jp"
_META_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = LazyPattern(r"""charset\s*=\s*["']?([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)
_DETECTION_SAMPLE_BYTES = 256 * 1024
# Signatures of common binary formats that get uploaded with an .html name by mistake.
_BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"RIFF": "RIFF media file",
    b"\x7fELF": "ELF binary",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ\x00": "xz archive",
    b"7z\xbc\xaf\x27\x1c": "7-Zip archive",
}
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_BROWSER_DEFAULT = "cp1252"
_WESTERN_CHAOS_MARGIN = 0.02


@dataclass(frozen=True)
class DecodedHtml:
    text: str
    encoding: str
    encoding_source: str  # "bom" | "http" | "meta" | "detected"


def normalize_encoding(label: str | None) -> str | None:
    """The Python codec that decodes a charset label as browsers do, or None when browsers do not
    know the label (the WHATWG Encoding Standard's table, via `webencodings`).

    Only text encodings come out: Python-only names such as `base64`, `rot13`, `cp037` or
    `unicode_escape` are unknown to browsers, hence None.

    Example::

        normalize_encoding("ISO-8859-1")  # "cp1252", as browsers read it
        normalize_encoding("base64")  # None
    """
    if not label or not label.isascii():
        return None
    encoding = webencodings.lookup(label.strip().strip("\"'"))
    if encoding is None or encoding.name == _REPLACEMENT:
        return None
    if encoding.name == X_USER_DEFINED:
        return X_USER_DEFINED
    return _BROWSER_DECODERS.get(encoding.name, encoding.codec_info.name)


def _detected_codec(name: str | None) -> str | None:
    """A codec name charset_normalizer detected (a Python name), mapped to its superset."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def _decode_as(data: bytes, encoding: str) -> str:
    """`data.decode(encoding)`, also for `x-user-defined` (which Python lacks)."""
    if encoding == X_USER_DEFINED:
        codec = webencodings.lookup(X_USER_DEFINED)
        assert codec is not None  # the label is in the table
        return codec.codec_info.decode(data)[0]
    return data.decode(encoding)


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def charset_from_meta(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_META_PRESCAN_BYTES])
    return match.group(1).decode("ascii", "ignore") if match else None


def reject_binary(data: bytes) -> None:
    """Raise `not_html` for content that is plainly not a text document."""
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ProcessingError(ErrorCode.NOT_HTML, f"content is a {kind}, not HTML")


def decode_html(data: bytes, content_type: str | None = None) -> DecodedHtml:
    """Decode HTML bytes the way a browser would, falling back to detection.

    Example::

        decode_html(b'<meta charset="windows-1251">\\xcf\\xf0\\xe8').text  # '<meta ...>При'
    """
    reject_binary(data)
    return _decode(data, content_type)


def _decode(data: bytes, content_type: str | None) -> DecodedHtml:
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return DecodedHtml(
                data[len(bom) :].decode(bom_encoding, "replace"), bom_encoding, "bom"
            )
    utf16 = _utf16_without_bom(data)
    if utf16:
        return DecodedHtml(data.decode(utf16, "replace"), utf16, "detected")
    declared = (
        ("http", normalize_encoding(charset_from_content_type(content_type))),
        ("meta", _meta_encoding(data)),
    )
    # Valid UTF-8 with non-ASCII bytes is almost never legacy text, whatever a copied template
    # declares; pages that say ISO-8859-1 but are UTF-8 are far more common than the reverse.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        seven_bit = next((d for d in declared if d[1] == _SEVEN_BIT), None)
        if seven_bit and data.isascii():  # ISO-2022-JP text is all ASCII bytes
            return DecodedHtml(data.decode(_SEVEN_BIT, "replace"), _SEVEN_BIT, seven_bit[0])
        label = next((src for src, enc in declared if enc == "utf-8"), "detected")
        return DecodedHtml(text, "utf-8", label)
    for source, encoding in declared:
        # A declaration that cannot decode the bytes is wrong; UTF-16/32 need a BOM to be trusted.
        if encoding and encoding != "utf-8" and not encoding.startswith(("utf-16", "utf-32")):
            try:
                return DecodedHtml(_decode_as(data, encoding), encoding, source)
            except UnicodeDecodeError:
                continue
    text = data.decode("utf-8", "replace")
    if _mostly_utf8(data, text.count("\ufffd")):
        return DecodedHtml(text, "utf-8", "detected")  # UTF-8 with a few broken bytes
    return _detect(data)


def _meta_encoding(data: bytes) -> str | None:
    encoding = normalize_encoding(charset_from_meta(data))
    # The HTML standard's prescan reads x-user-defined in <meta> as windows-1252.
    return "cp1252" if encoding == X_USER_DEFINED else encoding


def _mostly_utf8(data: bytes, invalid: int) -> bool:
    """UTF-8 with a few broken bytes, as opposed to a legacy page with a few non-ASCII ones:
    the bytes must hold many more valid multi-byte sequences than invalid ones."""
    valid = len(_UTF8_MULTIBYTE.findall(data))
    return valid >= 4 * invalid and invalid <= max(1, len(data) // 1000)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: markup is ASCII, so every other byte is NUL."""
    sample = data[:1024]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _detect(data: bytes) -> DecodedHtml:
    from charset_normalizer import from_bytes  # only pages that are not UTF-8 pay for it

    matches = from_bytes(data[:_DETECTION_SAMPLE_BYTES])
    best = matches.best()
    encoding = _detected_codec(best.encoding if best else None) or _BROWSER_DEFAULT
    if best is not None and _is_single_byte_latin(encoding):
        # Single-byte Latin charsets score almost alike on Western text (è is č in cp1250,
        # ą in cp1257); when windows-1252 is about as clean, take what browsers assume for
        # undeclared Western pages. Central European text decoded as cp1252 is visibly worse.
        western = [m for m in matches if _BROWSER_DEFAULT in (m.encoding, *m.could_be_from_charset)]
        if western and min(m.chaos for m in western) <= best.chaos + _WESTERN_CHAOS_MARGIN:
            encoding = _BROWSER_DEFAULT
    return DecodedHtml(data.decode(encoding, "replace"), encoding, "detected")


def _is_single_byte_latin(encoding: str) -> bool:
    return encoding.startswith(("cp125", "iso8859", "latin", "mac_", "cp85", "cp437", "cp775"))
