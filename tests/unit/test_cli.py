from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import trafilatura
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from article_extractor import __version__
from article_extractor.config import DEFAULT_OUTPUT_PREFIX
from article_extractor.document import CLEANING_RULES
from article_extractor.options import DEFAULT_MAX_INPUT_BYTES
from article_extractor_tools import cli, progress
from article_extractor_tools.cli import DEFAULT_JOB_PRIORITY, main
from tests.conftest import FIXTURES, SAMPLES, assert_valid_output


def test_one_file_prints_its_document(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(FIXTURES / "minimal-article.html"), "--url", "https://e.x/p"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert_valid_output(document)
    assert document["status"] == "ok"
    assert document["source"]["url"] == "https://e.x/p"
    assert document["source"]["bucket"] is None


def test_several_files_print_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    files = [FIXTURES / "minimal-article.html", FIXTURES / "utf16-bom.html"]
    assert main(["extract", *map(str, files)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert_valid_output(json.loads(line))


def test_output_dir_keeps_names_and_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "in"
    (inputs / "nested").mkdir(parents=True)
    shutil.copy(FIXTURES / "minimal-article.html", inputs / "page.html")
    (inputs / "nested" / "story.htm").write_bytes((FIXTURES / "minimal-article.html").read_bytes())
    (inputs / "nested" / "zipped.html.gz").write_bytes(
        gzip.compress((FIXTURES / "minimal-article.html").read_bytes())
    )
    (inputs / "notes.txt").write_text("not an input")
    out = tmp_path / "out"

    assert main(["extract", str(inputs), "--output-dir", str(out)]) == 0

    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["nested/story.htm.json", "nested/zipped.html.gz.json", "page.html.json"]
    for path in out.rglob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert_valid_output(document)
        assert document["status"] == "ok"
    summary = capsys.readouterr().err.splitlines()
    assert len(summary) == 3
    assert all("ok, " in line and "words" in line for line in summary)


def test_failed_input_sets_exit_code_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.html.gz"
    shutil.copy(SAMPLES / "broken-upload.html.gz", broken)
    assert main(["extract", str(broken)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["status"] == "failed"
    assert document["error"]["code"] == "invalid_gzip"


def test_url_with_several_files_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(FIXTURES), "--url", "https://e.x"])
    assert exit_info.value.code == 2


def test_directory_without_inputs_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(tmp_path)])
    assert exit_info.value.code == 2


def test_console_script_is_declared() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'article-extractor = "article_extractor_tools.cli:main"' in pyproject


@pytest.mark.parametrize("bound", ["0", "100000000000000000000"])
def test_max_input_bytes_out_of_range_is_a_usage_error(bound: str) -> None:
    # A bound too large for a read raised OverflowError on every file.
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(FIXTURES / "minimal-article.html"), "--max-input-bytes", bound])
    assert exit_info.value.code == 2


def modules_after(*argv: str, stdin: bytes = b"") -> set[str]:
    """The modules loaded once `main(argv)` has run, in a fresh interpreter."""
    code = (
        "import contextlib, io, json, sys\n"
        "from article_extractor_tools.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(sys.argv[1:])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, *argv], input=stdin, capture_output=True, check=True
    )
    return set(json.loads(run.stdout))


def test_extract_loads_neither_boto3_nor_backfill_nor_moto(tmp_path: Path) -> None:
    loaded = modules_after(
        "extract", str(FIXTURES / "minimal-article.html"), "--output-dir", str(tmp_path)
    )
    assert "trafilatura" in loaded  # it did extract
    heavy = {"boto3", "botocore", "s3transfer", "moto", "multiprocessing"}
    assert not loaded & heavy
    assert not {"article_extractor_tools.backfill", "article_extractor_tools.local"} & loaded


def test_the_job_priority_default_is_backfills() -> None:
    from article_extractor_tools import backfill

    assert backfill.DEFAULT_PRIORITY == cli.DEFAULT_JOB_PRIORITY


def test_version_names_both_packages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    expected = f"article-extractor {__version__} (trafilatura {trafilatura.__version__})"
    assert capsys.readouterr().out.strip() == expected


@pytest.mark.parametrize("argv", [["--version"], ["extract", "--help"]])
def test_version_and_help_answer_without_loading_trafilatura(argv: list[str]) -> None:
    assert "trafilatura" not in modules_after(*argv)


def test_extract_help_shows_the_defaults_and_that_url_is_for_one_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"size bound per file (default: {DEFAULT_MAX_INPUT_BYTES})" in text
    assert "one input file only" in text


@pytest.mark.parametrize(
    ("output_format", "suffix"), [("json", ".json"), ("text", ".txt"), ("markdown", ".md")]
)
def test_output_dir_help_names_the_files_it_writes(
    output_format: str, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The help's example is what --output-dir writes: the input's whole name plus a suffix."""
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the input's name plus .json (page.html -> page.html.json)" in text
    assert "or .txt / .md with --format text / markdown" in text
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / "minimal-article.html", inputs / "page.html")
    out = tmp_path / "out"

    assert main(["extract", str(inputs), "--output-dir", str(out), "--format", output_format]) == 0

    assert [p.name for p in out.iterdir()] == [f"page.html{suffix}"]


def test_backfill_help_shows_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["backfill", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {DEFAULT_OUTPUT_PREFIX})" in text
    assert f"(default: {DEFAULT_JOB_PRIORITY})" in text
    assert "(default: the number of CPUs," in text


def feed_stdin(monkeypatch: pytest.MonkeyPatch, body: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))


@pytest.mark.parametrize("compress", [False, True], ids=["html", "gzip"])
def test_dash_reads_the_page_from_stdin(
    compress: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (FIXTURES / "minimal-article.html").read_bytes()
    feed_stdin(monkeypatch, gzip.compress(page) if compress else page)
    assert main(["extract", "-", "--url", "https://e.x/p"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert_valid_output(document)
    assert document["status"] == "ok"
    assert document["source"] | {"key": "-", "url": "https://e.x/p"} == document["source"]
    assert main(["extract", str(FIXTURES / "minimal-article.html")]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert document["document"]["text"] == from_file["document"]["text"]


def test_dash_is_bounded_like_a_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_stdin(monkeypatch, b"<p>" + b"x" * 100 + b"</p>")
    assert main(["extract", "-", "--max-input-bytes", "50"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert_valid_output(document)
    assert (document["status"], document["error"]["code"]) == ("skipped", "input_too_large")


@pytest.mark.parametrize(
    "extra", [[str(FIXTURES / "minimal-article.html")], ["--output-dir", "out"]]
)
def test_dash_with_other_paths_or_an_output_dir_is_a_usage_error(extra: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "-", *extra])
    assert exit_info.value.code == 2


def test_disable_rule_keeps_the_lines_of_those_rules(capsys: pytest.CaptureFixture[str]) -> None:
    page = str(FIXTURES / "clutter" / "german.html")
    assert main(["extract", page]) == 0
    cleaned = json.loads(capsys.readouterr().out)
    rules = ["--disable-rule", "newsletter_signup", "--disable-rule", "advertising"]
    assert main(["extract", page, *rules]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert {"newsletter_signup", "advertising"} <= set(cleaned["extraction"]["cleaning"])
    assert kept["extraction"]["cleaning"] == {
        rule: count
        for rule, count in cleaned["extraction"]["cleaning"].items()
        if rule not in {"newsletter_signup", "advertising"}
    }
    assert len(kept["document"]["text"].splitlines()) == (
        len(cleaned["document"]["text"].splitlines()) + 2
    )


def test_disable_rule_applies_to_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_stdin(monkeypatch, (FIXTURES / "clutter" / "newsletter.html").read_bytes())
    assert main(["extract", "-", "--disable-rule", "newsletter_signup"]) == 0
    assert json.loads(capsys.readouterr().out)["extraction"]["cleaning"] == {}


def test_disable_rule_takes_only_rule_names(capsys: pytest.CaptureFixture[str]) -> None:
    page = str(FIXTURES / "minimal-article.html")
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", page, "--disable-rule", "image_credits"])
    assert exit_info.value.code == 2
    assert "image_credit" in capsys.readouterr().err  # the message lists the rules
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    shown = capsys.readouterr().out
    assert [rule for rule in CLEANING_RULES if rule not in shown] == []


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def many_inputs(directory: Path, count: int) -> Path:
    directory.mkdir()
    for index in range(count):
        shutil.copy(FIXTURES / "minimal-article.html", directory / f"page-{index:02d}.html")
    shutil.copy(SAMPLES / "broken-upload.html.gz", directory / "broken.html.gz")
    return directory


def test_many_files_show_a_bar_on_a_terminal_and_only_the_files_not_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = many_inputs(tmp_path / "in", cli.PROGRESS_MIN_FILES)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["extract", str(inputs), "--output-dir", str(tmp_path / "out")]) == 1
    shown = terminal.getvalue()
    assert f"{cli.PROGRESS_MIN_FILES + 1}/{cli.PROGRESS_MIN_FILES + 1}" in shown  # the bar
    lines = [line for line in shown.replace("\r", "\n").splitlines() if " -> " in line]
    assert len(lines) == 1
    assert "broken.html.gz" in lines[0]
    assert "failed (invalid_gzip" in lines[0]


def test_many_files_print_a_line_each_where_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = many_inputs(tmp_path / "in", cli.PROGRESS_MIN_FILES)
    assert main(["extract", str(inputs), "--output-dir", str(tmp_path / "out")]) == 1
    shown = capsys.readouterr().err
    assert "\r" not in shown
    assert len(shown.splitlines()) == cli.PROGRESS_MIN_FILES + 1


def test_a_few_files_print_a_line_each_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = many_inputs(tmp_path / "in", cli.PROGRESS_MIN_FILES - 2)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["extract", str(inputs), "--output-dir", str(tmp_path / "out")])
    assert "\r" not in terminal.getvalue()
    assert len(terminal.getvalue().splitlines()) == cli.PROGRESS_MIN_FILES - 1


def test_without_tqdm_a_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    assert progress.terminal_bar(io.StringIO(), total=3, unit="file") is None
    bar = progress.terminal_bar(Terminal(), total=3, unit="file")
    assert bar is not None
    bar.close()
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if the tools extra were not installed
    assert progress.terminal_bar(Terminal(), total=3, unit="file") is None


def test_tqdm_is_in_the_tools_extra_and_never_in_the_layer() -> None:
    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert any(req.startswith("tqdm==") for req in project["optional-dependencies"]["tools"])
    assert not any("tqdm" in req for req in project["dependencies"])
    layer = (root / "layers" / "dependencies" / "requirements.txt").read_text()
    assert "tqdm" not in layer


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    # More JSON than a pipe holds: the command is still writing when the reader goes.
    inputs = many_inputs(tmp_path / "in", 60)
    command = [sys.executable, "-m", "article_extractor_tools.cli", "extract", str(inputs)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run:
        assert run.stdout is not None and run.stderr is not None
        json.loads(run.stdout.readline())
        run.stdout.close()  # as `| head -1` does
        errors = run.stderr.read().decode()
    assert run.returncode == 1
    assert "Traceback" not in errors


STRUCTURED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Tide tables, read properly | Harbour Notes</title>
</head><body><nav><a href="/">Harbour Notes</a> | <a href="/tides">Tides</a></nav>
<article><h1>Tide tables, read properly</h1>
<p>A tide table looks simple until the first time a mooring runs dry at the wrong hour. The
columns are few, but each of them hides a convention that sailors learn the hard way.</p>
<h2>What the columns mean</h2>
<ul><li>High water: the time and height of the day's peaks.</li>
<li>Low water: the troughs, which matter more for a keel than the peaks do.</li></ul>
<table><thead><tr><th>Time</th><th>Height</th></tr></thead>
<tbody><tr><td>06:12</td><td>4.1 m</td></tr><tr><td>18:40</td><td>3.9 m</td></tr></tbody></table>
<p>Heights are given above chart datum, which is roughly the lowest tide one can expect in an
ordinary year; a negative figure means the water falls below it.</p>
<pre><code class="language-python">depth = charted_depth + height_of_tide  # metres
</code></pre>
<p>Add the charted depth to the height of tide and you have the water under the keel, before the
swell and the wind have had their say.</p></article>
<footer><p>&copy; 2025 Harbour Notes</p></footer></body></html>
"""


def structured_page(tmp_path: Path) -> Path:
    path = tmp_path / "tides.html"
    path.write_text(STRUCTURED_PAGE, encoding="utf-8")
    return path


def test_format_markdown_prints_the_title_then_the_documents_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = structured_page(tmp_path)
    assert main(["extract", str(path)]) == 0
    article = json.loads(capsys.readouterr().out)["document"]
    assert main(["extract", str(path), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown == f"# {article['title']}\n\n{article['markdown']}\n"
    tree = SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(markdown))
    kinds = [node.type for node in tree.children]
    assert kinds[:2] == ["heading", "paragraph"]
    assert tree.children[0].tag == "h1"
    assert {"bullet_list", "table", "fence"} <= set(kinds)
    assert [n.tag for n in tree.children if n.type == "heading"] == ["h1", "h2"]


def test_format_text_prints_the_title_then_the_documents_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = structured_page(tmp_path)
    assert main(["extract", str(path)]) == 0
    article = json.loads(capsys.readouterr().out)["document"]
    assert main(["extract", str(path), "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert text == f"{article['title']}\n\n{article['text']}\n"
    assert "depth = charted_depth + height_of_tide  # metres" in text.splitlines()
    assert "#" not in text.replace("# metres", "")


def test_format_with_output_dir_writes_md_and_txt_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    structured_page(inputs)
    (inputs / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    for output_format, suffix in (("markdown", ".md"), ("text", ".txt")):
        out = tmp_path / output_format
        code = main(["extract", str(inputs), "--output-dir", str(out), "--format", output_format])
        assert code == 0  # empty is not failed
        assert sorted(p.name for p in out.iterdir()) == [f"tides.html{suffix}"]
        written = (out / f"tides.html{suffix}").read_text(encoding="utf-8")
        assert written.startswith("# Tide" if output_format == "markdown" else "Tide")
        stderr = capsys.readouterr().err
        assert "empty.html: empty" in stderr


def test_format_text_of_several_files_needs_an_output_dir(tmp_path: Path) -> None:
    files = [str(FIXTURES / "minimal-article.html"), str(structured_page(tmp_path))]
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", *files, "--format", "text"])
    assert exit_info.value.code == 2


def test_format_markdown_of_an_input_not_ok_prints_nothing_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.html"
    path.write_text("<p>" + "x" * 100 + "</p>", encoding="utf-8")
    assert main(["extract", str(path), "--format", "markdown", "--max-input-bytes", "50"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "skipped (input_too_large" in captured.err


def test_format_markdown_applies_to_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_stdin(monkeypatch, STRUCTURED_PAGE.encode())
    assert main(["extract", "-", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Tide tables, read properly\n\n")


def test_no_content_model_keeps_trafilaturas_content_without_page_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = structured_page(tmp_path)
    assert main(["extract", str(path)]) == 0
    with_model = json.loads(capsys.readouterr().out)
    assert with_model["extraction"]["content_model"]["outcome"] != "off"
    assert main(["extract", str(path), "--no-content-model"]) == 0
    without = json.loads(capsys.readouterr().out)
    assert_valid_output(without)
    assert without["extraction"]["content_model"]["outcome"] == "off"
    assert without["document"].get("page_type") is None
    feed_stdin(monkeypatch, STRUCTURED_PAGE.encode())
    assert main(["extract", "-", "--no-content-model"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert from_stdin["extraction"]["content_model"]["outcome"] == "off"


def test_explain_adds_the_decisions_and_metadata_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["extract", str(FIXTURES / "review" / "article.html"), "--explain"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert_valid_output(document)
    decisions = document["extraction"]["decisions"]
    assert {"decision": "removed", "by": "rule:newsletter_signup"}.items() <= next(
        d for d in decisions if d["text"] == "Sign up for our newsletter"
    ).items()
    assert document["extraction"]["metadata_sources"]["title"] == "h1"


def test_review_writes_a_page_named_after_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    page = FIXTURES / "review" / "article.html"
    assert main(["review", str(page), "--url", "https://harbour.example/quay"]) == 0
    written = tmp_path / "article.review.html"
    html = written.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and 'data-decision="removed"' in html
    message = capsys.readouterr().err
    assert f"-> {written}" in message and "kept" in message and "removed" in message


def test_review_output_and_processing_options(tmp_path: Path) -> None:
    target = tmp_path / "nested-name.html"
    page = str(FIXTURES / "review" / "article.html")
    assert main(["review", page, "--output", str(target)]) == 0
    assert 'data-by="rule:newsletter_signup"' in target.read_text(encoding="utf-8")
    disabled = ["--disable-rule", "newsletter_signup", "--no-content-model"]
    assert main(["review", page, "--output", str(target), *disabled]) == 0
    html = target.read_text(encoding="utf-8")
    assert 'data-by="rule:newsletter_signup"' not in html
    assert "block model: off" in html


def test_review_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["review", str(tmp_path / "missing.html")])
    assert exit_info.value.code == 2


def test_review_loads_neither_boto3_nor_moto(tmp_path: Path) -> None:
    loaded = modules_after(
        "review", str(FIXTURES / "minimal-article.html"), "--output", str(tmp_path / "r.html")
    )
    assert "markdown_it" in loaded  # it did render
    assert not loaded & {"boto3", "botocore", "moto"}


def test_the_markdown_renderer_is_in_the_tools_extra_and_never_in_the_layer() -> None:
    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    tools = project["optional-dependencies"]["tools"]
    assert any(requirement.startswith("markdown-it-py==") for requirement in tools)
    layer = (root / "layers" / "dependencies" / "requirements.txt").read_text()
    assert "markdown" not in layer
