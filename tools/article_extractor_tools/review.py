"""`article-extractor review`: one self-contained HTML file that shows what the extraction kept
from a page, what it removed, and why.

The file holds the metadata found and where each field came from, the page's blocks in reading
order (kept ones as the content shows them, removed ones greyed and struck through, each with
who decided and the model's score), filters (only removed, only kept, only one source) and the
resulting Markdown, rendered. Everything from the page is escaped text: nothing of its markup
is kept, no image is loaded, and the file's Content-Security-Policy forbids scripts and every
remote load. The filters are radio buttons and CSS sibling selectors: the file has no script.

Example::

    document = review_document(Path("page.html"), "https://example.com/a", ProcessingOptions())
    Path("page.review.html").write_text(review_html(document), encoding="utf-8")
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from article_extractor.document import (
    DECIDED_BY_CONTENT_MODEL,
    DECIDED_BY_FIGURES,
    DECIDED_BY_LEDE,
    DECIDED_BY_TEXT_MODEL,
    DECIDED_BY_TITLE,
    DECIDED_BY_TRAFILATURA,
    RULE_PREFIX,
    Decision,
    OutputDocument,
)
from article_extractor.inputs import ObjectReader, ObjectRef
from article_extractor.options import ProcessingOptions

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

# Scripts, plugins, frames, fonts, remote images and form posts are all refused; only the
# file's own inline style applies. `base-uri` and `form-action` are not covered by default-src.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
REVIEW_SUFFIX = ".review.html"
# Who decided, as the page explains it (rules: "cleaning rule <name>").
DECIDERS = {
    DECIDED_BY_TRAFILATURA: "trafilatura's main-content extraction",
    DECIDED_BY_CONTENT_MODEL: "the block model (score: its probability that the block is content)",
    DECIDED_BY_TEXT_MODEL: "the block model, swayed by what the block's words say (score as above)",
    DECIDED_BY_TITLE: "the title check: a heading that says the title (it has a field of its own)",
    DECIDED_BY_LEDE: "the lede recovery: the page's description, shown on the page, put back",
    DECIDED_BY_FIGURES: "the figure placement",
}
# Where a metadata field came from (`extraction.metadata_sources`).
SOURCES = {
    "h1": "the page's main heading",
    "og:title": "its og:title",
    "twitter:title": "its twitter:title",
    "title_element": "its <title>",
    "page_metadata": "the page's meta tags, JSON-LD or byline markup (trafilatura's metadata)",
    "json_ld_posting": "the JSON-LD of the thread's or question's opening post",
    "json_ld_author": "the JSON-LD author",
    "json_ld_organization": "the JSON-LD organisation named as author",
    "microdata_posting": "the microdata of the opening post",
    "date_search": "the date search over the page (htmldate)",
    "html_lang": "<html lang>",
    "content_language": "the Content-Language declaration",
    "og_locale": "its og:locale",
    "detected": "detected from the text",
    "declared_article": "the page declares itself an article (schema.org)",
    "classifier": "the page-type classifier",
    "lede": "the element showing the page's description (the lede, put back)",
    "opening_block": "the text's opening block, which is the page's description",
}
METADATA_ROWS = (
    ("title", "Title"),
    ("author", "Author"),
    ("date", "Date"),
    ("sitename", "Site"),
    ("language", "Language"),
    ("page_type", "Page type"),
    ("standfirst", "Standfirst"),
    ("description", "Description"),
    ("url", "URL"),
)
_SAFE_HREF = re.compile(r"(?:https?:|mailto:|#|/)", re.IGNORECASE)
_CSS_SAFE = re.compile(r"[a-z0-9_:-]+")


def review_document(
    ref: ObjectRef, reader: ObjectReader, options: ProcessingOptions
) -> OutputDocument:
    """The object's document with its decisions (`options` as given, with `explain` on).

    Example::

        review_document(ObjectRef(None, "page.html"), LocalFileReader(), ProcessingOptions())
    """
    from article_extractor.pipeline import process_object

    return process_object(ref, reader, replace(options, explain=True))


def review_path(output_dir: Path, source: str) -> Path:
    """Where `review` writes the review of `source` by default: its name without `.gz` and
    `.html`/`.htm`, then `.review.html`."""
    name = Path(source).name.removesuffix(".gz")
    for suffix in (".html", ".htm"):
        name = name.removesuffix(suffix)
    return output_dir / f"{name or 'page'}{REVIEW_SUFFIX}"


def review_html(document: OutputDocument) -> str:
    """The review page of a document processed with `explain` (see the module doc)."""
    decisions = document.extraction.decisions or ()
    article = document.article
    deciders = list(dict.fromkeys(decision.by for decision in decisions))
    title = (article.title if article else None) or document.source.key
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>Review: {_text(title)}</title>\n<style>{_STYLE}{_filter_style(deciders)}",
        "</style>\n</head>\n<body>\n",
        _summary(document, decisions),
        _metadata(document),
        _filters(decisions, deciders),
        '<main>\n<section class="blocks" aria-label="The page, block by block">\n',
        "<h2>The page, block by block</h2>\n",
        *(_block(decision) for decision in decisions),
        "" if decisions else _no_decisions(document),
        '</section>\n<section class="result" aria-label="The result">\n',
        "<h2>The result (Markdown, rendered)</h2>\n",
        f'<div class="markdown">{render_markdown(article.markdown if article else "")}</div>\n',
        "</section>\n</main>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _summary(document: OutputDocument, decisions: tuple[Decision, ...]) -> str:
    kept = sum(1 for decision in decisions if decision.kept)
    article = document.article
    words = f", {article.word_count} words" if article else ""
    error = document.error
    failed = f" ({_text(error.code)}: {_text(error.message)})" if error else ""
    model = document.extraction.content_model
    outcome = f"; block model: {_text(model.outcome)}" if model else ""
    cleaning = ", ".join(f"{_text(k)} {v}" for k, v in document.extraction.cleaning.items())
    return (
        f"<header>\n<h1>Review of {_text(document.source.key)}</h1>\n"
        f'<p class="summary">{_text(document.status)}{failed}{words}; '
        f"{len(decisions)} blocks: {kept} kept, {len(decisions) - kept} removed{outcome}"
        f"{'; lines cleaned: ' + cleaning if cleaning else ''}</p>\n</header>\n"
    )


def _metadata(document: OutputDocument) -> str:
    article = document.article
    if article is None:
        return ""
    sources = document.extraction.metadata_sources or {}
    rows = []
    for name, label in METADATA_ROWS:
        value: Any = getattr(article, name)
        if name == "page_type" and value:
            confidence = document.extraction.content_model
            if confidence is not None and confidence.page_type_confidence is not None:
                value = f"{value} (probability {confidence.page_type_confidence:.2f})"
        if not value:
            continue
        source = sources.get(name)
        shown = SOURCES.get(source, source or "") if source else ""
        rows.append(
            f'<tr data-field="{name}"><th scope="row">{label}</th><td>{_text(value)}</td>'
            f'<td class="source">{_text(shown)}</td></tr>\n'
        )
    return (
        '<section class="metadata" aria-label="Metadata">\n<h2>Metadata, and where it came '
        "from</h2>\n<table>\n" + "".join(rows) + "</table>\n</section>\n"
    )


def _filters(decisions: tuple[Decision, ...], deciders: list[str]) -> str:
    """Radio buttons, then their labels: the CSS shows the blocks of the checked one."""
    counts = Counter(decision.by for decision in decisions)
    kept = sum(1 for decision in decisions if decision.kept)
    choices = [
        ("show-all", f"All ({len(decisions)})"),
        ("show-removed", f"Only removed ({len(decisions) - kept})"),
        ("show-kept", f"Only kept ({kept})"),
        *(
            (f"show-by-{index}", f"{by} ({counts[by]})")
            for index, by in enumerate(deciders)
            if _CSS_SAFE.fullmatch(by)
        ),
    ]
    radios = "".join(
        f'<input type="radio" name="show" id="{key}" class="filter"'
        f"{' checked' if index == 0 else ''}>\n"
        for index, (key, _) in enumerate(choices)
    )
    labels = "".join(f'<label for="{key}">{_text(label)}</label>\n' for key, label in choices)
    return f'{radios}<nav class="filters" aria-label="Show">\nShow: {labels}</nav>\n'


def _filter_style(deciders: list[str]) -> str:
    """One rule per source filter: hide every block another step decided."""
    return "".join(
        f'#show-by-{index}:checked ~ main .block:not([data-by="{by}"]){{display:none}}\n'
        f'#show-by-{index}:checked ~ nav label[for="show-by-{index}"]{{{_ACTIVE}}}\n'
        for index, by in enumerate(deciders)
        if _CSS_SAFE.fullmatch(by)  # only the pipeline's own names, never text of the page
    )


def _reason(decision: Decision) -> str:
    if decision.by.startswith(RULE_PREFIX):
        return f"cleaning rule {decision.by.removeprefix(RULE_PREFIX)}"
    return DECIDERS.get(decision.by, decision.by)


def _block(decision: Decision) -> str:
    score = f" {decision.score:.2f}" if decision.score is not None else ""
    lines = "<br>".join(_text(line) for line in decision.text.split("\n"))
    kind = decision.block
    if kind == "heading":
        body = f'<p class="as-heading">{lines}</p>'
    elif kind == "list":
        body = f"<ul><li>{lines}</li></ul>"
    elif kind == "code":
        body = f"<pre><code>{_text(decision.text)}</code></pre>"
    elif kind == "quote":
        body = f"<blockquote>{lines}</blockquote>"
    elif kind == "figure":
        body = f'<p class="as-figure"><span class="placeholder">[figure]</span> {lines}</p>'
    elif kind == "table":
        body = f'<p class="as-cell">{lines}</p>'
    else:
        body = f"<p>{lines}</p>"
    return (
        f'<div class="block" data-decision="{_text(decision.decision)}" '
        f'data-by="{_text(decision.by)}" data-block="{_text(kind)}" '
        f'title="{_text(_reason(decision))}">'
        f'<span class="reason">{_text(decision.decision)} &middot; {_text(decision.by)}'
        f"{score}</span>{body}</div>\n"
    )


def _no_decisions(document: OutputDocument) -> str:
    error = document.error
    why = f"{error.code}: {error.message}" if error else "nothing was extracted"
    return f'<p class="empty">No blocks to show ({_text(why)}).</p>\n'


def render_markdown(markdown: str) -> str:
    """The Markdown as HTML: raw HTML shown as text, images as a text placeholder with their
    URL (never loaded), links only to http(s), mailto and the page itself, `rel="noreferrer"`.

    Example::

        render_markdown("![A quay](https://example.com/q.jpg)")
        # '<p><span class="placeholder">[image: A quay https://example.com/q.jpg]</span></p>\\n'
    """
    rendered: str = _markdown_renderer().render(markdown)
    return rendered


def _markdown_renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    renderer.add_render_rule("image", _image)
    renderer.add_render_rule("link_open", _link_open)
    return renderer


def _image(
    self: RendererHTML, tokens: list[Token], index: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[index]
    alt = self.renderInlineAsText(token.children or [], options, env)
    source = str(token.attrGet("src") or "")
    shown = " ".join(part for part in ("image:", alt, source) if part)
    return f'<span class="placeholder">[{_text(shown)}]</span>'


def _link_open(
    self: RendererHTML, tokens: list[Token], index: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[index]
    href = str(token.attrGet("href") or "")
    if not _SAFE_HREF.match(href):
        # markdown-it already refuses javascript:, vbscript:, file: and data:; keep only these
        token.attrs.pop("href", None)
    token.attrSet("rel", "noreferrer nofollow")
    return self.renderToken(tokens, index, options, env)


_ACTIVE = "background:#24476b;color:#fff;border-color:#24476b"
_STYLE = f"""
:root{{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1f21;background:#fff}}
body{{margin:0 auto;max-width:1400px;padding:1rem 1.5rem}}
h1{{font-size:1.3rem;margin:.2rem 0}}
h2{{font-size:1.05rem;margin:.6rem 0;color:#24476b}}
.summary{{margin:.2rem 0 .8rem;color:#444}}
.metadata table{{border-collapse:collapse;width:100%;margin-bottom:.8rem}}
.metadata th,.metadata td{{text-align:left;vertical-align:top;padding:.2rem .6rem;
border-bottom:1px solid #e3e6ea}}
.metadata th{{width:8rem;color:#24476b}}
.metadata .source{{color:#666;font-size:.85rem;width:30%}}
input.filter{{position:absolute;opacity:0;pointer-events:none}}
nav.filters{{margin:.4rem 0 .8rem}}
nav.filters label{{display:inline-block;margin:.1rem .2rem;padding:.1rem .6rem;
border:1px solid #b8c4d0;border-radius:1rem;cursor:pointer;font-size:.85rem}}
#show-all:checked ~ nav label[for="show-all"],#show-removed:checked ~ nav label[for="show-removed"],
#show-kept:checked ~ nav label[for="show-kept"]{{{_ACTIVE}}}
#show-removed:checked ~ main .block[data-decision="kept"]{{display:none}}
#show-kept:checked ~ main .block[data-decision="removed"]{{display:none}}
main{{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem}}
.block{{position:relative;border-left:4px solid #2e8b57;padding:.15rem .6rem;margin:.3rem 0}}
.block p,.block ul,.block pre,.block blockquote{{margin:.1rem 0}}
.block[data-decision="removed"]{{border-left-color:#c0392b;color:#8a8f96;
background:#f4f5f6;opacity:.75;text-decoration:line-through}}
.reason{{float:right;margin-left:.6rem;font-size:.72rem;color:#556;text-decoration:none;
display:inline-block;background:#eef1f4;border-radius:.6rem;padding:0 .45rem}}
.as-heading{{font-weight:700;font-size:1.1rem}}
.as-cell{{display:inline-block;border:1px solid #d5dae0;padding:0 .4rem}}
.placeholder{{color:#6a5acd;font-style:italic}}
pre{{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:.3rem}}
blockquote{{border-left:3px solid #ccc;padding-left:.6rem;margin-left:0}}
.markdown{{border:1px solid #e3e6ea;padding:.2rem 1rem;overflow-wrap:anywhere}}
.markdown table{{border-collapse:collapse}}
.markdown td,.markdown th{{border:1px solid #d5dae0;padding:.1rem .4rem}}
@media (max-width:900px){{main{{grid-template-columns:1fr}}}}
"""
