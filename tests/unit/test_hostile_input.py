"""Hostile and unusual inputs through `process_object`: every one ends as a schema-valid record
with a stable status and `error.code`, and the text that does come out is the page's own."""

from __future__ import annotations

import codecs
import gzip
import io
import signal
import tracemalloc
import zipfile
import zlib
from typing import Any

import pytest
import trafilatura.external
from botocore.exceptions import ClientError
from trafilatura import bare_extraction

from article_extractor.aws.storage import S3ObjectReader
from article_extractor.document import OutputDocument, Status
from article_extractor.inputs import FetchedObject, ObjectRef, too_large
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import extract
from article_extractor.pipeline.process import process_object
from article_extractor.pipeline.read import parsing
from tests.conftest import FIXTURES, assert_valid_output
from tests.time_limits import expire_inside

MAX = 1024 * 1024

# Prose written for these tests: varied sentences, so no extractor mistakes them for boilerplate
# or drops them as repeats.
ENGLISH = (
    "The harbour master counted the fishing boats twice before dawn, because the fog had rolled "
    "in early and two crews were still somewhere beyond the breakwater, hauling nets heavy with "
    "mackerel and arguing about who would buy the first round.",
    "By seven the lighthouse keeper had telephoned the coastguard, who sent a small launch out "
    "along the northern channel with a searchlight, a thermos of strong tea and a crate of "
    "spare flares for the returning crews.",
    "The first boat crept back into the basin just after eight, its deck stacked with silver "
    "fish and its skipper waving a woollen hat at the crowd that had gathered on the slipway to "
    "watch the morning unfold.",
    "The second crew arrived an hour later with a broken rudder and a story about a seal that "
    "had followed them for three miles, which nobody on the quay believed until the photographs "
    "were passed around the café.",
    "In the afternoon the council announced that the old breakwater would finally be repaired "
    "next spring, a promise the fishermen said they had heard at least four times since the "
    "great storm of the last decade.",
    "Children from the village school painted the new harbour signs that evening, choosing deep "
    "blue letters on a white background so that visiting sailors could read them even through "
    "the thickest sea mist.",
)
SENTENCE = "the lighthouse keeper had telephoned the coastguard"

RUSSIAN = (
    "Весной в маленьком городе у реки открылась новая библиотека, и жители сразу полюбили её "
    "светлый читальный зал с высокими окнами.",
    "Библиотекарь Анна Петровна знала каждого посетителя по имени и всегда откладывала для "
    "детей свежие журналы о путешествиях.",
    "По вечерам старики приходили туда читать газеты, спорить о погоде и пить горячий чай из "
    "большого медного самовара.",
    "Летом городской совет решил выделить деньги на ремонт крыши, потому что во время сильных "
    "дождей вода капала прямо на полки со старыми книгами.",
)
JAPANESE = (
    "春の朝、小さな港町の市場には新鮮な魚と野菜がたくさん並んでいた。",
    "漁師たちは夜明け前に船を出し、重い網を引き上げてから港へ戻ってくる。",
    "市場の入り口では年配の女性が温かいお茶を配り、買い物客と天気や祭りの話をしていた。",
    "子供たちは岸壁に座って、大きな船がゆっくりと湾を出ていくのを静かに眺めていた。",
    "夕方になると町の食堂は仕事を終えた人々でいっぱいになり、焼き魚の香りが通りに広がった。",
    "この町では毎年秋に小さな音楽祭が開かれ、遠くの村からも多くの家族が集まってくる。",
    "古い灯台の近くには図書館があり、学生たちは窓から海を見ながら静かに勉強していた。",
    "冬の間は観光客が少なくなるが、地元の人々は温泉に入ったり、友人と鍋料理を楽しんだりする。",
)
CHINESE = (
    "秋天的早晨，山脚下的小村庄笼罩在一层薄薄的雾气之中。",
    "农民们背着竹篮走向田野，准备收割已经成熟的金黄稻谷。",
    "村口的老槐树下，几位老人一边喝茶一边讲述过去的故事，孩子们围坐在旁边认真地听着。",
    "中午的时候，妇女们在院子里晒辣椒和玉米，空气里飘着饭菜的香味。",
    "傍晚，放学的学生沿着河边的小路回家，河水在夕阳下闪着温暖的光。",
    "每年春节前，外出打工的年轻人都会回到村里，和家人一起准备丰盛的年夜饭。",
    "村里的小学去年新建了图书室，老师们希望孩子们能够养成每天读书的好习惯。",
    "到了冬天，山上常常下雪，村民们就在火炉旁边聊天，计划来年要种的庄稼。",
    "镇上的医生每个星期都会来村里一次，给老人们量血压，也教大家怎样保持健康的生活。",
    "这几年村里修了新的水泥路，城里的游客开车过来，在农家小院里吃饭、住宿、看风景。",
)
FRENCH = (
    "Au début de l'été, le petit marché de la place Saint-Michel s'anime dès l'aube, quand les "
    "maraîchers déposent leurs cagettes de cerises et d'abricots.",
    "Le boulanger du coin prépare des brioches dorées pendant que les enfants réclament déjà "
    "leur goûter près de la fontaine.",
    "À midi, les habitués se retrouvent au café pour commenter la météo, les résultats du "
    "football et les dernières décisions de la mairie.",
    "Élodie, la fleuriste, compose des bouquets de pivoines et de roses qu'elle vend à un prix "
    "très raisonnable.",
)
GERMAN = (
    "Im späten Herbst füllt sich der Marktplatz von Großhausen mit Ständen voller Äpfel, "
    "Kürbisse und frisch gebackenem Brot.",
    "Die Händler begrüßen ihre Stammkunden mit Namen, während Kinder über das nasse "
    "Kopfsteinpflaster laufen.",
    "Gegen Mittag duftet es nach gebrannten Mandeln und Glühwein, und die Musiker spielen "
    "fröhliche Lieder für die Besucher.",
    "Übermorgen öffnet außerdem die neue Bücherei im alten Rathaus, worüber sich die Schüler "
    "besonders freuen.",
)
# language -> (paragraphs, html lang, a distinctive sentence of the page)
LANGUAGES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "russian": (RUSSIAN, "ru", "Библиотекарь Анна Петровна знала каждого посетителя по имени"),
    "japanese": (
        JAPANESE,
        "ja",
        "漁師たちは夜明け前に船を出し、重い網を引き上げてから港へ戻ってくる。",
    ),
    "chinese": (CHINESE, "zh", "村口的老槐树下，几位老人一边喝茶一边讲述过去的故事"),
    "french": (FRENCH, "fr", "s'anime dès l'aube, quand les maraîchers déposent leurs cagettes"),
    "german": (GERMAN, "de", "Die Händler begrüßen ihre Stammkunden mit Namen"),
}


def page(paragraphs: tuple[str, ...] | list[str], head: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return (
        f'<html lang="{lang}"><head>{head}<title>Morning at the harbour</title></head>'
        f"<body><article><h1>Morning at the harbour</h1>\n{body}</article></body></html>"
    )


ARTICLE = page(ENGLISH).encode()


class MemoryReader:
    """An ObjectReader over bytes held in memory, bounded like the real readers."""

    def __init__(self, body: bytes, **attributes: Any) -> None:
        self.body = body
        self.attributes = attributes

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        if len(self.body) > max_bytes:
            raise too_large(len(self.body), max_bytes)
        return FetchedObject(body=self.body, size=len(self.body), **self.attributes)


def run(
    body: bytes, key: str = "page.html", max_bytes: int = MAX, **options: Any
) -> OutputDocument:
    document = process_object(
        ObjectRef("in", key),
        MemoryReader(body),
        ProcessingOptions(max_input_bytes=max_bytes, **options),
    )
    assert_valid_output(document.to_dict())
    return document


def assert_outcome(document: OutputDocument, status: Status, code: str | None) -> None:
    error = document.error.code if document.error else None
    assert (document.status, error) == (status, code), document.error


def text_of(document: OutputDocument) -> str:
    assert document.article is not None
    return document.article.text


# --------------------------------------------------------------------------- empty and binary
@pytest.mark.parametrize("body", [b"", b" \n\t\r\n   \x0c  \n"], ids=["empty", "whitespace"])
def test_empty_and_whitespace_objects_are_empty_input(body: bytes) -> None:
    assert_outcome(run(body), Status.EMPTY, "empty_input")


def _zip_of_a_page() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", ARTICLE)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "body",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
        + bytes(range(256)) * 8,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n",
        _zip_of_a_page(),
    ],
    ids=["png", "pdf", "zip"],
)
def test_binary_formats_named_html_are_not_html(body: bytes) -> None:
    assert_outcome(run(body), Status.FAILED, "not_html")


# --------------------------------------------------------------------------- gzip and size
def test_truncated_gzip_is_invalid_gzip() -> None:
    compressed = gzip.compress(ARTICLE)
    document = run(compressed[: len(compressed) // 2], key="page.html.gz")
    assert_outcome(document, Status.FAILED, "invalid_gzip")


def _gzip_bomb(total: int, chunk: int = 1024 * 1024) -> bytes:
    """`total` bytes of b"a" gzipped, built chunk by chunk (never all in memory)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"a" * chunk
    parts = [compressor.compress(block) for _ in range(total // chunk)]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_gzip_bomb_stops_at_the_bound_without_inflating() -> None:
    bomb = _gzip_bomb(50 * 1024 * 1024)
    assert len(bomb) < MAX  # the compressed object itself is well within the input limit
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        document = process_object(
            ObjectRef("in", "bomb.html.gz"),
            MemoryReader(bomb),
            ProcessingOptions(max_input_bytes=MAX),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_valid_output(document.to_dict())
    assert_outcome(document, Status.SKIPPED, "decompressed_too_large")
    assert peak < 32 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MiB while reading a bomb"


def test_object_over_the_input_bound_is_skipped() -> None:
    assert_outcome(run(ARTICLE, max_bytes=len(ARTICLE) - 1), Status.SKIPPED, "input_too_large")


# --------------------------------------------------------------------------- character sets
def _language_page(language: str, meta: str | None) -> tuple[str, str]:
    paragraphs, lang, sentence = LANGUAGES[language]
    assert sum(map(len, paragraphs)) >= 300, "detection needs enough text of the language"
    assert sentence in " ".join(paragraphs)
    head = f'<meta charset="{meta}">' if meta else ""
    return page(paragraphs, head=head, lang=lang), sentence


LEGACY = [
    ("russian", "windows-1251", "windows-1251", "cp1251"),
    ("japanese", "shift_jis", "Shift_JIS", "cp932"),
    ("chinese", "gb2312", "GB2312", "gb18030"),
    ("french", "iso-8859-1", "ISO-8859-1", "cp1252"),
    ("german", "iso-8859-1", "ISO-8859-1", "cp1252"),
]


@pytest.mark.parametrize(
    ("language", "codec", "label", "python_name"), LEGACY, ids=[row[0] for row in LEGACY]
)
@pytest.mark.parametrize("declared", [True, False], ids=["meta-charset", "undeclared"])
def test_legacy_charsets_come_out_as_the_original_text(
    language: str, codec: str, label: str, python_name: str, declared: bool
) -> None:
    html, sentence = _language_page(language, label if declared else None)
    document = run(html.encode(codec))
    assert_outcome(document, Status.OK, None)
    text = text_of(document)
    assert sentence in text, text[:300]
    for paragraph in LANGUAGES[language][0]:
        assert paragraph in text
    if declared:
        assert document.extraction.input_encoding == python_name


def _multilingual_page() -> str:
    return page([ENGLISH[0], *RUSSIAN, *JAPANESE[:3], FRENCH[0], CHINESE[2]])


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (_multilingual_page().encode("utf-16"), "utf-16-le"),  # BOM + little-endian
        (codecs.BOM_UTF16_BE + _multilingual_page().encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-16-le", "utf-16-be"],
)
def test_utf16_with_bom_comes_out_as_the_original_text(body: bytes, encoding: str) -> None:
    document = run(body)
    assert_outcome(document, Status.OK, None)
    assert document.extraction.input_encoding == encoding
    text = text_of(document)
    for sentence in (
        LANGUAGES["russian"][2],
        LANGUAGES["japanese"][2],
        LANGUAGES["french"][2],
        LANGUAGES["chinese"][2],
        "arguing about who would buy the first round",
    ):
        assert sentence in text


# --------------------------------------------------------------------------- control characters
def test_nul_bytes_in_the_body_are_dropped() -> None:
    paragraphs = list(ENGLISH)
    paragraphs[2] = paragraphs[2].replace("silver", "sil\x00ver").replace("skipper", "\x00skipper")
    html = page(paragraphs).replace("</p>\n", "</p>\x00\n").replace("<article>", "<article>\x00")
    assert html.count("\x00") >= 8
    document = run(html.encode())
    assert_outcome(document, Status.OK, None)
    text = text_of(document)
    assert "\x00" not in text
    assert SENTENCE in text
    assert "its deck stacked with silver fish and its skipper waving" in text


# --------------------------------------------------------------------------- pathological trees
def _nested(depth: int, document: bool) -> bytes:
    inner = b"<div>" * depth + page(ENGLISH[:3]).encode() + b"</div>" * depth
    return b"<html><body>" + inner + b"</body></html>" if document else inner


@pytest.mark.parametrize("document", [True, False], ids=["in-html-body", "bare-divs"])
def test_hundred_thousand_levels_of_nesting_are_too_complex(document: bool) -> None:
    """libxml2 stops at 256 levels and drops the rest of the page: an error, never a page with
    its text silently missing."""
    result = run(_nested(100_000, document), max_bytes=10 * MAX)
    assert_outcome(result, Status.FAILED, "too_complex")


def test_an_article_nested_past_the_parser_limit_is_kept_as_text() -> None:
    """Below 256 levels the page is flattened to its text: the article's words stay, and the
    record says a subtree was flattened."""
    result = run(_nested(300, True))
    assert_outcome(result, Status.OK, None)
    assert all(paragraph in text_of(result) for paragraph in ENGLISH[:3])
    assert result.extraction.flattened_subtrees == 1
    assert result.to_dict()["extraction"]["flattened_subtrees"] == 1


def test_nesting_within_the_parser_limit_is_extracted() -> None:
    result = run(_nested(200, True))
    assert_outcome(result, Status.OK, None)
    assert SENTENCE in text_of(result)
    assert result.extraction.flattened_subtrees is None
    assert "flattened_subtrees" not in result.to_dict()["extraction"]


# Widgets nested a few hundred levels deep, as pages carry them (ads, embeds, broken templates).
DEEP_WIDGETS = {
    "200-nested-tables": "<table><tr><td>" * 200 + "Sponsored" + "</td></tr></table>" * 200,
    "300-nested-divs": "<div class='w'>" * 300 + "Sponsored" + "</div>" * 300,
    "300-unclosed-spans": "<span>" * 300 + "Sponsored",
    "150-nested-lists": "<ul><li>" * 150 + "Sponsored" + "</li></ul>" * 150,
    "300-divs-with-a-script": "<div>" * 300
    + "<script>var leaked = 'SCRIPT';</script>Ad"
    + "</div>" * 300,
}


@pytest.mark.parametrize("widget", DEEP_WIDGETS.values(), ids=DEEP_WIDGETS.keys())
@pytest.mark.parametrize("where", ["after", "before"])
@pytest.mark.parametrize("content_model", [True, False], ids=["model", "no-model"])
def test_an_article_beside_a_deep_widget_keeps_every_paragraph(
    widget: str, where: str, content_model: bool
) -> None:
    if where == "after":
        html = page(ENGLISH).replace("</article>", "</article>" + widget)
    else:
        html = page(ENGLISH).replace("<article>", widget + "<article>")
    result = run(html.encode(), content_model=content_model)
    assert_outcome(result, Status.OK, None)
    text = text_of(result)
    assert all(paragraph in text for paragraph in ENGLISH)
    assert "SCRIPT" not in text
    assert result.extraction.flattened_subtrees == 1


def test_nesting_past_two_thousand_levels_is_too_complex() -> None:
    """libxml2 goes no deeper than 2048 levels even with huge_tree: an error, never a page cut
    where the parser stopped."""
    result = run(page(ENGLISH).replace("</article>", "</article>" + "<div>" * 3000).encode())
    assert_outcome(result, Status.FAILED, "too_complex")
    assert result.error is not None
    assert "Excessive depth in document: 2048" in result.error.message


@pytest.mark.parametrize("searching_tag", ["</span>", "<body>", "<BODY class=x>"])
def test_deep_nesting_with_many_stack_searches_is_too_complex_without_a_deep_parse(
    searching_tag: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each end tag and <body> tag searches the open elements, up to 2048 with huge_tree: past
    25,000 of them the page is refused before libxml2 parses it that deep."""
    parsers: list[Any] = []
    real_parse = parsing._parse

    def recording_parse(text: str, parser: Any) -> Any:
        parsers.append(parser)
        return real_parse(text, parser)

    monkeypatch.setattr(parsing, "_parse", recording_parse)
    searches = parsing.MAX_HUGE_TREE_END_TAGS + 1
    deep = "<div>" * 300 + searching_tag * searches
    result = run(page(ENGLISH).replace("</article>", "</article>" + deep).encode())
    assert_outcome(result, Status.FAILED, "too_complex")
    assert result.error is not None
    assert "parsed with huge_tree" in result.error.message
    assert parsers == [parsing._parsers()[0]]


@pytest.mark.parametrize(
    "wrapper",
    ["<div><div>{}</div></div>", "<main><article>{}</article></main>"],
    ids=["div-div", "main-article"],
)
def test_fragment_without_html_element_is_extracted(wrapper: str) -> None:
    """A bare fragment (no <html>, no doctype) holding an article is still an article."""
    document = run(wrapper.format("".join(f"<p>{p}</p>" for p in ENGLISH)).encode())
    assert_outcome(document, Status.OK, None)
    assert SENTENCE in text_of(document)


class ParseSpy:
    """Stands in for lxml's fromstring in `parsing`, recording each parse it is asked for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        self.fromstring = parsing.fromstring
        monkeypatch.setattr(parsing, "fromstring", self)

    def __call__(self, text: str | bytes, **options: Any) -> Any:
        self.sizes.append(len(text))
        return self.fromstring(text, **options)


def _heavy_tag(attributes: int, name: str = "div") -> str:
    return f"<{name} " + " ".join(f"a{n}" for n in range(attributes)) + ">"


def test_tag_with_a_hundred_thousand_attributes_is_too_complex_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libxml2's duplicate-attribute check is quadratic and cannot be interrupted (15 s here)."""
    spy = ParseSpy(monkeypatch)
    html = page(ENGLISH).replace("<article>", "<article>" + _heavy_tag(100_000) + "x</div>")
    document = run(html.encode(), time_budget=30)
    assert_outcome(document, Status.FAILED, "too_complex")
    assert spy.sizes == []


@pytest.mark.parametrize("attributes", [32, 1_000], ids=["32-per-tag", "1000-per-tag"])
def test_ten_mebibytes_of_attribute_heavy_tags_are_too_complex_before_parsing(
    monkeypatch: pytest.MonkeyPatch, attributes: int
) -> None:
    spy = ParseSpy(monkeypatch)
    tag = _heavy_tag(attributes, "br")
    html = "<html><body>" + tag * (10 * MAX // len(tag)) + "</body></html>"
    document = run(html.encode(), max_bytes=11 * MAX, time_budget=30)
    assert_outcome(document, Status.FAILED, "too_complex")
    assert spy.sizes == []


def test_page_with_two_hundred_thousand_elements_is_too_complex() -> None:
    spans = "".join(f"<span>{n % 10}</span>" for n in range(200_000))
    document = run(page([*ENGLISH, spans]).encode(), max_bytes=10 * MAX)
    assert_outcome(document, Status.FAILED, "too_complex")


_LAUGHS = (
    '<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(2, 10))
    + "]>\n"
)


def test_billion_laughs_doctype_is_not_expanded() -> None:
    html = _LAUGHS + page([*ENGLISH, "&lol9; &lol5;"])
    document = run(html.encode())
    assert_outcome(document, Status.OK, None)
    text = text_of(document)
    assert SENTENCE in text
    assert len(text) < 10_000
    assert "lollol" not in text


def test_external_entity_is_never_resolved() -> None:
    doctype = '<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'
    document = run((doctype + page([*ENGLISH, "Account: &ext; end."])).encode())
    assert document.status in (Status.OK, Status.FAILED), document.error
    if document.article is not None:
        assert "root:" not in document.article.text
        assert "/bin/" not in document.article.text
    if document.status is Status.OK:
        assert SENTENCE in text_of(document)


def test_multi_megabyte_single_line_page_completes() -> None:
    words: list[str] = []
    size = 0
    n = 0
    while size < 3_000_000:
        sentence = f"{ENGLISH[n % len(ENGLISH)]} Entry {n} of the harbour log."
        words.append(sentence)
        size += len(sentence) + 1
        n += 1
    html = page([" ".join(words)])
    assert "\n" not in " ".join(words)
    document = run(html.encode(), max_bytes=10 * MAX)
    assert_outcome(document, Status.OK, None)
    text = text_of(document)
    assert len(text) > 2_500_000
    assert f"Entry {n // 2} of the harbour log." in text
    assert f"Entry {n - 1} of the harbour log." in text


def test_text_node_over_ten_million_bytes_comes_out_whole() -> None:
    """Without huge_tree, libxml2 stops where its buffer passes 10,000,000 bytes: bytes, not
    characters (3.4 million characters of Chinese are 10.1 MB)."""
    sentence = CHINESE[2]
    repeats = 10_100_000 // len(sentence.encode())
    body = sentence * repeats + "最后一句话。"
    assert len(body) < 3_400_000 < 10_000_000 < len(body.encode())
    document = run(page([ENGLISH[0], body, ENGLISH[1]], lang="zh").encode(), max_bytes=11 * MAX)
    assert_outcome(document, Status.OK, None)
    text = text_of(document)
    assert text.count(sentence) == repeats
    assert "最后一句话。" in text
    assert ENGLISH[1] in text  # the paragraph after the node


def test_script_only_page_is_no_text() -> None:
    document = run((FIXTURES / "script-only.html").read_bytes())
    assert_outcome(document, Status.EMPTY, "no_text")


# --------------------------------------------------------------------------- time limit
BUDGET = 60.0  # never reached: `expire_inside` makes the budget run out where a test wants it


def test_processing_past_the_time_budget_is_timeout() -> None:
    large = page([f"{ENGLISH[n % len(ENGLISH)]} ({n})" for n in range(400)]).encode()
    handler = signal.getsignal(signal.SIGALRM)
    document = run(large, time_budget=0.001)
    assert_outcome(document, Status.FAILED, "timeout")
    assert signal.getsignal(signal.SIGALRM) is handler  # the previous handler is back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_budget_expiring_inside_the_extractor_is_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The extractor's catch-all for crashes must not turn a timeout into extraction_error."""
    entered: list[str] = []

    def stuck(*args: Any, **kwargs: Any) -> Any:
        entered.append("bare_extraction")
        expire_inside("bare_extraction")
        return bare_extraction(*args, **kwargs)

    monkeypatch.setattr(extract, "bare_extraction", stuck)
    document = run(ARTICLE, time_budget=BUDGET)
    assert_outcome(document, Status.FAILED, "timeout")
    assert entered == ["bare_extraction"]


# A short article beside a long sidebar: trafilatura tries readability and then jusText, each
# inside its own `except Exception`.
SIDEBAR_PAGE = (
    f"<html><body><article><p>{ENGLISH[0]}</p></article>"
    + "".join(f"<div class='sidebar'><span>{p}</span></div>" for p in ENGLISH * 3)
    + "</body></html>"
).encode()


@pytest.mark.parametrize("step", ["readability", "justext"])
def test_time_budget_expiring_inside_trafilatura_fallbacks_is_timeout(
    monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """trafilatura catches Exception around readability and jusText: the expiry must pass."""
    entered: list[str] = []

    def stuck(*args: Any, **kwargs: Any) -> Any:
        entered.append(step)
        expire_inside(step)

    target = "ReadabilityDocument" if step == "readability" else "classify_paragraphs"
    monkeypatch.setattr(trafilatura.external, target, stuck)
    document = run(SIDEBAR_PAGE, time_budget=BUDGET)
    assert_outcome(document, Status.FAILED, "timeout")
    assert entered == [step]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --------------------------------------------------------------------------- S3 errors
class StubS3:
    """The one S3 call S3ObjectReader makes, answering with an error or a body."""

    def __init__(self, error: ClientError | None = None, body: bytes = b"") -> None:
        self.error = error
        self.body = body

    def get_object(self, **request: Any) -> dict[str, Any]:
        if self.error is not None:
            raise self.error
        return {"Body": io.BytesIO(self.body), "ContentLength": len(self.body)}


def client_error(code: str, message: str, http_status: int) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": http_status},
    }
    return ClientError(response, "GetObject")


def s3_run(s3: StubS3, max_bytes: int = MAX) -> OutputDocument:
    reader = S3ObjectReader(s3)  # type: ignore[arg-type]
    document = process_object(
        ObjectRef("in", "page.html"), reader, ProcessingOptions(max_input_bytes=max_bytes)
    )
    assert_valid_output(document.to_dict())
    return document


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (client_error("AccessDenied", "denied", 403), "access_denied"),
        (client_error("NoSuchKey", "The specified key does not exist.", 404), "object_not_found"),
    ],
    ids=["access-denied", "no-such-key"],
)
def test_permanent_s3_errors_become_records(error: ClientError, code: str) -> None:
    assert_outcome(s3_run(StubS3(error)), Status.FAILED, code)


def test_s3_internal_error_propagates_for_retry() -> None:
    with pytest.raises(ClientError) as raised:
        s3_run(StubS3(client_error("InternalError", "We encountered an internal error.", 500)))
    assert raised.value.response["Error"]["Code"] == "InternalError"


def test_s3_object_over_the_input_bound_is_skipped() -> None:
    document = s3_run(StubS3(body=ARTICLE), max_bytes=len(ARTICLE) - 1)
    assert_outcome(document, Status.SKIPPED, "input_too_large")


def test_s3_object_is_processed() -> None:
    document = s3_run(StubS3(body=ARTICLE))
    assert_outcome(document, Status.OK, None)
    assert SENTENCE in text_of(document)
