from __future__ import annotations

import codecs

import pytest

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.read.decoding import (
    charset_from_content_type,
    charset_from_meta,
    decode_html,
    normalize_encoding,
)
from tests.conftest import FIXTURES, SAMPLES

PAGE = "<!DOCTYPE html><html><body><p>The ferry left the harbour at dawn.</p></body></html>"
FILLER = "<p>The council met on Tuesday and discussed the budget for the coming year.</p>\n" * 60


def test_utf8_bom_is_stripped_and_reported() -> None:
    decoded = decode_html(codecs.BOM_UTF8 + "<p>Café</p>".encode())
    assert decoded.text == "<p>Café</p>"
    assert decoded.encoding == "utf-8"
    assert decoded.encoding_source == "bom"


def test_utf16_bom_fixture_decodes_to_its_text() -> None:
    decoded = decode_html((FIXTURES / "utf16-bom.html").read_bytes())
    assert "The observatory on Marrow Hill" in decoded.text
    assert not decoded.text.startswith("\ufeff")
    assert decoded.encoding.startswith("utf-16")
    assert decoded.encoding_source == "bom"


def test_utf16_le_without_bom_is_detected() -> None:
    decoded = decode_html(PAGE.encode("utf-16-le"))
    assert decoded.text == PAGE
    assert decoded.encoding == "utf-16-le"
    assert decoded.encoding_source == "detected"


def test_utf16_be_without_bom_is_detected() -> None:
    decoded = decode_html(PAGE.encode("utf-16-be"))
    assert decoded.text == PAGE
    assert decoded.encoding == "utf-16-be"


def test_windows_1251_sample_uses_meta_charset() -> None:
    decoded = decode_html((SAMPLES / "russian-windows-1251.html").read_bytes())
    assert "Осенняя ярмарка" in decoded.text
    assert decoded.encoding == "cp1251"
    assert decoded.encoding_source == "meta"


def test_content_type_header_charset_decodes_koi8r() -> None:
    text = "<html><body><p>Привет, мир! Осенняя ярмарка.</p></body></html>"
    decoded = decode_html(text.encode("koi8-r"), "text/html; charset=koi8-r")
    assert decoded.text == text
    assert decoded.encoding == "koi8-r"
    assert decoded.encoding_source == "http"


def test_header_charset_wins_over_meta_charset() -> None:
    text = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    decoded = decode_html(text.encode("koi8-r"), "text/html; charset=KOI8-R")
    assert "Привет, мир" in decoded.text
    assert decoded.encoding_source == "http"


def test_undeclared_latin1_fixture_decodes_accents() -> None:
    decoded = decode_html((FIXTURES / "no-lang-latin1.html").read_bytes())
    assert "Le marché couvert de la place" in decoded.text
    assert "\ufffd" not in decoded.text
    assert decoded.encoding_source == "detected"


def test_declared_latin1_page_with_valid_utf8_bytes_decodes_as_utf8() -> None:
    text = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    decoded = decode_html(text.encode("utf-8"))
    assert "café" in decoded.text
    assert "cafÃ©" not in decoded.text
    assert decoded.encoding == "utf-8"


def test_mostly_utf8_with_one_invalid_byte_stays_utf8() -> None:
    text = f"<html><body><p>Café crème — naïve</p>{FILLER}</body></html>"
    data = text.encode("utf-8").replace(b"Tuesday", b"Tues\xffday", 1)
    decoded = decode_html(data)
    assert decoded.encoding == "utf-8"
    assert "Café crème — naïve" in decoded.text
    assert decoded.text.count("\ufffd") == 1


def test_undeclared_cp1252_page_with_few_smart_quotes_keeps_them() -> None:
    # A long Western page saved by a Windows editor: ASCII plus a handful of curly quotes,
    # no charset anywhere. No byte sequence in it is valid multi-byte UTF-8.
    text = (
        f"<html><body>{FILLER}"
        "<p>It\u2019s the mayor\u2019s view that \u201cnothing\u201d changes.</p></body></html>"
    )
    decoded = decode_html(text.encode("cp1252"))
    assert "It\u2019s the mayor\u2019s view that \u201cnothing\u201d changes." in decoded.text
    assert "\ufffd" not in decoded.text


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="shift_jis">',
        '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
    ],
)
def test_shift_jis_page_with_meta_round_trips(meta: str) -> None:
    text = (
        f"<html><head>{meta}<title>東京の天気</title></head>"
        "<body><p>東京の天気は晴れです。ラーメンを食べました。</p></body></html>"
    )
    decoded = decode_html(text.encode("shift_jis"))
    assert decoded.text == text
    assert decoded.encoding_source == "meta"


@pytest.mark.parametrize(
    "signature",
    [b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"PK\x03\x04"],
    ids=["png", "pdf", "zip"],
)
def test_binary_signatures_are_not_html(signature: bytes) -> None:
    with pytest.raises(ProcessingError) as excinfo:
        decode_html(signature + b"<html><body>padding</body></html>" * 10)
    assert excinfo.value.code is ErrorCode.NOT_HTML


def test_decoding_keeps_every_character() -> None:
    # control characters are sanitize_html's business, in the same scan that removes them
    text = "<html>\r\n<body>\n\t<p>Tabbed\tparagraph\x00</p>\f\n</body></html>"
    assert decode_html(text.encode()).text == text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("Shift_JIS", "cp932"),
        ("euc-kr", "cp949"),
        ("windows-1251", "cp1251"),
        ("UTF-8", "utf-8"),
        (' "utf-8" ', "utf-8"),
    ],
)
def test_normalize_encoding_maps_labels_to_codecs(label: str, expected: str) -> None:
    assert normalize_encoding(label) == expected


@pytest.mark.parametrize("label", ["x-no-such-charset", "", None])
def test_normalize_encoding_unknown_label_is_none(label: str | None) -> None:
    assert normalize_encoding(label) is None


def test_charset_from_meta_finds_http_equiv_content_type() -> None:
    data = (
        b"<html><head>"
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        b"</head><body></body></html>"
    )
    assert charset_from_meta(data) == "windows-1252"


def test_charset_from_meta_finds_html5_meta_charset() -> None:
    assert charset_from_meta(b"<html><head><meta charset='koi8-r'>") == "koi8-r"


def test_charset_from_meta_is_none_without_declaration() -> None:
    assert charset_from_meta(b"<html><head><title>charset=utf-8</title></head>") is None


def test_charset_from_content_type_reads_the_parameter() -> None:
    assert charset_from_content_type("text/html; charset=koi8-r") == "koi8-r"
    assert charset_from_content_type('text/html; charset="UTF-8"') == "UTF-8"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None


# The WHATWG Encoding Standard's labels (encoding.spec.whatwg.org), by encoding name.
WHATWG_LABELS = {
    "UTF-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "IBM866": "866 cp866 csibm866 ibm866",
    "ISO-8859-2": (
        "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"
    ),
    "ISO-8859-3": (
        "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"
    ),
    "ISO-8859-4": (
        "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"
    ),
    "ISO-8859-5": (
        "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5"
        " iso_8859-5:1988"
    ),
    "ISO-8859-6": (
        "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6"
        " iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"
    ),
    "ISO-8859-7": (
        "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7"
        " iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"
    ),
    "ISO-8859-8": (
        "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8"
        " iso88598 iso_8859-8 iso_8859-8:1988 visual"
    ),
    "ISO-8859-8-I": "csiso88598i iso-8859-8-i logical",
    "ISO-8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "ISO-8859-13": "iso-8859-13 iso8859-13 iso885913",
    "ISO-8859-14": "iso-8859-14 iso8859-14 iso885914",
    "ISO-8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "ISO-8859-16": "iso-8859-16",
    "KOI8-R": "cskoi8r koi koi8 koi8-r koi8_r",
    "KOI8-U": "koi8-ru koi8-u",
    "macintosh": "csmacintosh mac macintosh x-mac-roman",
    "windows-874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "windows-1250": "cp1250 windows-1250 x-cp1250",
    "windows-1251": "cp1251 windows-1251 x-cp1251",
    "windows-1252": (
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1"
        " iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"
    ),
    "windows-1253": "cp1253 windows-1253 x-cp1253",
    "windows-1254": (
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989"
        " l5 latin5 windows-1254 x-cp1254"
    ),
    "windows-1255": "cp1255 windows-1255 x-cp1255",
    "windows-1256": "cp1256 windows-1256 x-cp1256",
    "windows-1257": "cp1257 windows-1257 x-cp1257",
    "windows-1258": "cp1258 windows-1258 x-cp1258",
    "x-mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "GBK": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk",
    "gb18030": "gb18030",
    "Big5": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "EUC-JP": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "ISO-2022-JP": "csiso2022jp iso-2022-jp",
    "Shift_JIS": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "EUC-KR": (
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601"
        " ksc_5601 windows-949"
    ),
    "replacement": "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement",
    "UTF-16BE": "unicodefffe utf-16be",
    "UTF-16LE": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
    "x-user-defined": "x-user-defined",
}
# The Python codec that decodes each encoding as browsers do (None: not a text encoding).
BROWSER_CODECS = {
    "UTF-8": "utf-8",
    "IBM866": "cp866",
    **{f"ISO-8859-{n}": f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    "ISO-8859-8-I": "iso8859-8",
    "KOI8-R": "koi8-r",
    "KOI8-U": "koi8-u",
    "macintosh": "mac-roman",
    "windows-874": "cp874",
    **{f"windows-125{n}": f"cp125{n}" for n in range(9)},
    "x-mac-cyrillic": "mac-cyrillic",
    "GBK": "gb18030",
    "gb18030": "gb18030",
    "Big5": "big5hkscs",
    "EUC-JP": "euc_jp",
    "ISO-2022-JP": "iso2022_jp",
    "Shift_JIS": "cp932",
    "EUC-KR": "cp949",
    "replacement": None,
    "UTF-16BE": "utf-16-be",
    "UTF-16LE": "utf-16-le",
    "x-user-defined": "x-user-defined",
}
UTF_16 = ("utf-16-le", "utf-16-be")
# Encodings a page can be written in and declare in its own bytes.
ENCODABLE = {codec for codec in BROWSER_CODECS.values() if codec} - {*UTF_16, "x-user-defined"}
WHATWG_TABLE = [(name, label) for name, labels in WHATWG_LABELS.items() for label in labels.split()]
# Words in many scripts; each encoding's test page holds the first ones it can encode.
WORDS = (
    "café déjà façade",
    "Łódź żółć",
    "Привет мир",
    "Καλημέρα κόσμε",
    "שלום עולם",
    "مرحبا بالعالم",
    "東京の天気",
    "北京天气",
    "臺灣天氣",
    "서울 날씨",
    "ภาษาไทย",
    "İstanbul ğüş",
    "Việt Nam",
    "Ħamrun ċ",
    "Rīga šī",
    "Þórður ð",
    "Ŵ ŷ ẁ",
    "Ș ț",
    "ў Ў",
)


WESTERN_PARAGRAPHS = (
    "Le marché couvert de la place Gambetta rouvre ses portes après deux années de travaux.",
    "« C’est une très belle journée », dit Hélène, qui tient l’étal de fromages.",
    "Les commerçants ont déjà réservé leurs emplacements ; la mairie prévoit une fête en été.",
    "Le café d’en face, fermé pendant le chantier, a lui aussi rouvert à l’aube ce lundi.",
)


def _western_page() -> str:
    """A French page that detection reads right in windows-1252, for the labels no page is
    written in (replacement, x-user-defined), and in UTF-16 (whose labels need a BOM)."""
    paragraphs = "".join(f"<p>{p}</p>\n" for p in WESTERN_PARAGRAPHS * 2)
    return f"<html><head>{{meta}}<title>Le marché</title></head><body>{paragraphs}</body></html>"


def _sample_page(codec: str) -> str:
    words = []
    for word in WORDS:
        try:
            word.encode(codec)
        except UnicodeEncodeError:
            continue
        words.append(word)
    assert words, codec
    return "<html><head>{meta}</head><body><p>" + " ".join(words) + "</p></body></html>"


def test_whatwg_table_has_every_label_once() -> None:
    assert len(WHATWG_TABLE) == len({label for _, label in WHATWG_TABLE}) == 228
    assert set(WHATWG_LABELS) == set(BROWSER_CODECS)


@pytest.mark.parametrize(("name", "label"), WHATWG_TABLE)
def test_every_whatwg_label_maps_to_the_codec_browsers_decode_with(name: str, label: str) -> None:
    expected = BROWSER_CODECS[name]
    assert normalize_encoding(label) == expected
    assert normalize_encoding(label.upper()) == expected  # labels are ASCII case-insensitive
    assert normalize_encoding(f" {label}\t") == expected


@pytest.mark.parametrize("where", ["meta", "http"])
@pytest.mark.parametrize(("name", "label"), WHATWG_TABLE)
def test_every_whatwg_label_decodes_a_page_declaring_it(name: str, label: str, where: str) -> None:
    codec = BROWSER_CODECS[name]
    declaration = f'<meta charset="{label}">' if where == "meta" else ""
    content_type = f"text/html; charset={label}" if where == "http" else None
    page = _sample_page(codec) if codec in ENCODABLE else _western_page()
    text = page.format(meta=declaration)
    data = text.encode(codec if codec in ENCODABLE or codec in UTF_16 else "cp1252")
    decoded = decode_html(data, content_type)
    if codec == "x-user-defined" and where == "http":
        # What browsers show: bytes 0x80-0xFF become U+F780-U+F7FF.
        assert decoded.text == "".join(chr(b if b < 0x80 else b + 0xF700) for b in data)
        assert (decoded.encoding, decoded.encoding_source) == ("x-user-defined", "http")
        return
    assert decoded.text == text
    if codec in ENCODABLE:
        assert (decoded.encoding, decoded.encoding_source) == (codec, where)


PYTHON_ONLY_LABELS = (
    "base64",
    "hex",
    "rot13",
    "zlib",
    "undefined",
    "cp037",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-7",
    "idna",
    "punycode",
    "mbcs",
    "uu",
    "bz2",
    "quopri",
    "latin_1",
    "utf_8",
    "cp500",
    "x-no-such-charset",
)


@pytest.mark.parametrize("label", PYTHON_ONLY_LABELS)
def test_labels_browsers_do_not_know_are_ignored(label: str) -> None:
    assert normalize_encoding(label) is None


@pytest.mark.parametrize("label", ["utf-8\udc80", "ütf-8", "\u212aoi8-r"])
def test_non_ascii_labels_are_unknown(label: str) -> None:
    # "\u212a" (KELVIN SIGN) lower-cases to an ASCII "k" in Python, never in a label match.
    assert normalize_encoding(label) is None


def test_iso_2022_jp_page_is_not_read_as_the_ascii_it_is_made_of() -> None:
    text = (
        '<html><head><meta charset="ISO-2022-JP"></head>'
        "<body><p>東京の天気は晴れです。</p></body></html>"
    )
    decoded = decode_html(text.encode("iso2022_jp"))
    assert decoded.text == text
    assert (decoded.encoding, decoded.encoding_source) == ("iso2022_jp", "meta")


def test_x_user_defined_in_meta_reads_as_windows_1252() -> None:
    text = '<html><head><meta charset="x-user-defined"></head><body><p>café</p></body></html>'
    decoded = decode_html(text.encode("cp1252"))
    assert decoded.text == text
    assert (decoded.encoding, decoded.encoding_source) == ("cp1252", "meta")
