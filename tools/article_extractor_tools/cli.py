"""`article-extractor` command: extract local files, backfill objects already in S3, run the
demo, or serve the local stack.

    article-extractor extract PATH... [--url URL] [--output-dir DIR] [--disable-rule RULE]...
        [--format json|text|markdown] [--explain]
    article-extractor extract - < page.html
    article-extractor review PAGE.html [--url URL] [--output review.html]
    article-extractor backfill s3://BUCKET/PREFIX --output-bucket B [--workers N] [--manifest F]
    article-extractor demo [SAMPLES_DIR]
    article-extractor serve [--port PORT] [--review-port PORT]
    article-extractor --version

Each command imports what it needs when it runs: `extract` loads neither boto3 nor the backfill
nor moto, `--help` and `--version` not even trafilatura.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from article_extractor import __version__
from article_extractor.config import (
    DEFAULT_OUTPUT_PREFIX,
    MAX_INPUT_BYTES_LIMIT,
    ConfigurationError,
    Settings,
)
from article_extractor.document import CLEANING_RULES, OutputDocument, Status
from article_extractor.errors import ProcessingError
from article_extractor.inputs import ObjectRef
from article_extractor.keys import OUTPUT_SUFFIX, is_supported_key, supported_suffixes_text
from article_extractor.options import DEFAULT_MAX_INPUT_BYTES, ProcessingOptions
from article_extractor_tools.files import LocalFileReader, StreamReader
from article_extractor_tools.progress import terminal_bar

# The default priority of an S3 Batch Operations job; backfill.DEFAULT_PRIORITY (a test keeps
# them equal) is not imported here, since boto3 loads with the backfill module.
DEFAULT_JOB_PRIORITY = 10
STDIN_PATH = "-"  # as PATH: read the page from standard input
PROGRESS_MIN_FILES = 10  # from this many inputs, a progress bar when stderr is a terminal
# --format: what is printed or written per input, and the suffix of its file in --output-dir.
FORMAT_SUFFIXES = {"json": OUTPUT_SUFFIX, "text": ".txt", "markdown": ".md"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command `argv` (default: the process's arguments); returns the exit status.

    Example::

        main(["extract", "page.html", "--url", "https://example.com/news/1"])
    """
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as other command-line tools do, and
        # keep the interpreter's last flush at exit from failing on the closed pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args, parser)
    if args.command == "backfill":
        return _backfill(args, parser)
    if args.command == "review":
        return _review(args, parser)
    from article_extractor_tools import local  # moto is only needed by these two commands

    if args.command == "demo":
        return local.run_demo(Path(args.samples), out=sys.stdout)
    # Ctrl-C (SIGINT) stops serve even when it was started where SIGINT is ignored (a job a
    # script put in the background), where Python would not raise KeyboardInterrupt for it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return local.serve(port=args.port, out=sys.stdout, err=sys.stderr, review_port=args.review_port)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="article-extractor", description="Raw HTML -> clean article JSON."
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="print the versions of article-extractor and trafilatura, then exit",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract",
        help=f"extract local {supported_suffixes_text()} files (the Lambda's processing)",
        description="Write the function's JSON document for each input: one file prints indented "
        "JSON, several print one document per line, --output-dir writes a file per input.",
    )
    extract.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=f"files or directories; {STDIN_PATH} reads one page from standard input",
    )
    extract.add_argument(
        "--url",
        help="the page's URL, as the S3 metadata source-url gives it; one input file only",
    )
    extract.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write a file per input here, keeping the directory tree: the input's name plus "
        f"{FORMAT_SUFFIXES['json']} (page.html -> page.html{FORMAT_SUFFIXES['json']}), or "
        f"{FORMAT_SUFFIXES['text']} / {FORMAT_SUFFIXES['markdown']} with --format text / markdown "
        "(default: print to stdout)",
    )
    extract.add_argument(
        "--max-input-bytes",
        type=int,
        metavar="N",
        default=DEFAULT_MAX_INPUT_BYTES,
        help="size bound per file (default: %(default)s)",
    )
    extract.add_argument(
        "--format",
        choices=tuple(FORMAT_SUFFIXES),
        default="json",
        help="json: the function's document; text or markdown: the page's title, then "
        "document.text or document.markdown, for inputs that end ok (default: %(default)s)",
    )
    extract.add_argument(
        "--explain",
        action="store_true",
        help="add extraction.decisions (what became of each block of the page, and who decided) "
        "and extraction.metadata_sources (the function's OUTPUT_DECISIONS=true)",
    )
    _add_processing_options(extract)
    _add_review_parser(commands)
    _add_backfill_parser(commands)
    demo = commands.add_parser("demo", help="run the whole pipeline on embedded moto over samples")
    demo.add_argument(
        "samples",
        nargs="?",
        default="samples",
        help="directory of sample pages (default: %(default)s)",
    )
    serve = commands.add_parser("serve", help="keep the local stack running and process uploads")
    serve.add_argument(
        "--port",
        type=int,
        default=5000,
        help="moto server port on 127.0.0.1 (default: %(default)s)",
    )
    serve.add_argument(
        "--review-port",
        type=int,
        default=0,
        help="port of the review pages on 127.0.0.1 (default: any free port)",
    )
    return parser


def _add_processing_options(command: argparse.ArgumentParser) -> None:
    """The options that change processing as the function's settings do."""
    command.add_argument(
        "--no-content-model",
        dest="content_model",
        action="store_false",
        help="keep trafilatura's content on every page, without page types (the function's "
        "CONTENT_MODEL=off)",
    )
    command.add_argument(
        "--disable-rule",
        action="append",
        default=[],
        choices=CLEANING_RULES,
        metavar="RULE",
        help="keep the lines this cleaning rule would remove (repeat for more; the function's "
        f"DISABLED_CLEANING_RULES); the rules: {', '.join(CLEANING_RULES)}",
    )


class _VersionAction(argparse.Action):
    """`--version`: looks trafilatura's version up only when asked (importing it takes long)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """`article-extractor 0.1.0 (trafilatura 2.3.1)`, from the installed packages' metadata.

    Example::

        version_text()  # "article-extractor 0.1.0 (trafilatura 2.3.1)"
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        trafilatura_version = version("trafilatura")
    except PackageNotFoundError:
        trafilatura_version = "not installed"
    return f"article-extractor {__version__} (trafilatura {trafilatura_version})"


def _extract(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not 1 <= args.max_input_bytes <= MAX_INPUT_BYTES_LIMIT:
        parser.error(f"--max-input-bytes must be from 1 to {MAX_INPUT_BYTES_LIMIT}")
    options = ProcessingOptions(
        max_input_bytes=args.max_input_bytes,
        disabled_rules=frozenset(args.disable_rule),
        content_model=args.content_model,
        explain=args.explain,
    )
    if STDIN_PATH in args.paths:
        if len(args.paths) > 1:
            parser.error(f"{STDIN_PATH} (standard input) must be the only PATH")
        if args.output_dir is not None:
            parser.error(f"{STDIN_PATH} (standard input) prints its document: no --output-dir")
        return extract_stream(sys.stdin.buffer, sys.stdout, args.url, options, args.format)
    inputs = list(collect_inputs(args.paths))
    if not inputs:
        parser.error(f"no {supported_suffixes_text()} files found in the given paths")
    if args.url and len(inputs) > 1:
        parser.error("--url applies to one input file only")
    if args.format != "json" and len(inputs) > 1 and args.output_dir is None:
        parser.error(f"--format {args.format} prints one input: give one file or --output-dir")
    # Here, not at the top: usage errors, --help and --version answer without loading trafilatura.
    from article_extractor.pipeline import process_object

    reader = LocalFileReader(source_url=args.url)
    many = len(inputs) >= PROGRESS_MIN_FILES
    bar = terminal_bar(sys.stderr, total=len(inputs), unit="file") if many else None

    def show(line: str, stream: TextIO) -> None:
        if bar is None:
            print(line, file=stream)
        else:
            bar.write(line, file=stream)  # above the bar, not across it

    any_failed = False
    try:
        for path, relative in inputs:
            document = process_object(ObjectRef(bucket=None, key=str(path)), reader, options)
            any_failed |= document.status is Status.FAILED
            if args.format != "json" and document.status is not Status.OK:
                show(f"{path}: {summary(document)}", sys.stderr)  # no text to print or write
            elif args.output_dir is None:
                indent = 2 if len(inputs) == 1 else None  # one file: readable; many: JSON Lines
                show(rendered(document, args.format, indent), sys.stdout)
            else:
                suffix = FORMAT_SUFFIXES[args.format]
                target = args.output_dir / relative.parent / (relative.name + suffix)
                target.parent.mkdir(parents=True, exist_ok=True)
                if args.format == "json":
                    target.write_bytes(document.to_bytes())
                else:
                    target.write_text(rendered(document, args.format) + "\n", encoding="utf-8")
                # With a bar, a line per file would hide it: only the files that are not ok.
                if bar is None or document.status is not Status.OK:
                    show(f"{path} -> {target}: {summary(document)}", sys.stderr)
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return 1 if any_failed else 0


def extract_stream(
    stream: BinaryIO,
    out: TextIO,
    url: str | None,
    options: ProcessingOptions,
    output_format: str = "json",
) -> int:
    """`extract -`: the page's bytes from `stream`, its indented JSON document (or its text or
    Markdown, see `rendered`) on `out`.

    Returns 1 when the document is `failed`, else 0. Example::

        extract_stream(io.BytesIO(b"<html>...</html>"), sys.stdout, None, ProcessingOptions())
    """
    from article_extractor.pipeline import error_document, process_fetched

    ref = ObjectRef(bucket=None, key=STDIN_PATH)
    try:
        fetched = StreamReader(stream, source_url=url).read(ref, options.max_input_bytes)
    except ProcessingError as error:
        document = error_document(ref, error)
    else:
        document = process_fetched(ref, fetched, options)
    if output_format != "json" and document.status is not Status.OK:
        print(f"{STDIN_PATH}: {summary(document)}", file=sys.stderr)
    else:
        print(rendered(document, output_format, indent=2), file=out)
    return 1 if document.status is Status.FAILED else 0


def rendered(document: OutputDocument, output_format: str, indent: int | None = None) -> str:
    """The document as --format asks: its JSON, or for an `ok` one, a file of the page's own: the
    title on the first line (a level-1 heading in Markdown), a blank line, then `document.text`
    or `document.markdown` (where the title is never repeated).

        rendered(document, "markdown")  # '# The title\n\nFirst paragraph...'
    """
    if output_format == "json":
        return document.to_json(indent=indent)
    from article_extractor.pipeline.blocks.markdown import to_markdown
    from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind

    article = document.article
    assert article is not None  # only ok documents are rendered as text
    body = article.markdown if output_format == "markdown" else article.text
    if not article.title:
        return body
    if output_format == "markdown":
        title = to_markdown([Block(BlockKind.HEADING, text=article.title, level=1)])
    else:
        title = article.title
    return f"{title}\n\n{body}" if body else title


def _add_review_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "review",
        help="write an HTML page showing what was kept from a page, what was removed and why",
        description="Process one page as the function does and write a self-contained HTML "
        "file (no script, no network request): the metadata and where it came from, the page's "
        "blocks in reading order with what became of each and who decided, and the result.",
    )
    command.add_argument(
        "page", metavar="PAGE", type=Path, help=f"a {supported_suffixes_text()} file"
    )
    command.add_argument("--url", help="the page's URL, as the S3 metadata source-url gives it")
    command.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write the review (default: PAGE's name + .review.html, here)",
    )
    command.add_argument(
        "--max-input-bytes",
        type=int,
        metavar="N",
        default=DEFAULT_MAX_INPUT_BYTES,
        help="size bound (default: %(default)s)",
    )
    _add_processing_options(command)


def _review(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not 1 <= args.max_input_bytes <= MAX_INPUT_BYTES_LIMIT:
        parser.error(f"--max-input-bytes must be from 1 to {MAX_INPUT_BYTES_LIMIT}")
    if not args.page.is_file():
        parser.error(f"no file {args.page}")
    from article_extractor_tools.review import review_document, review_html, review_path

    options = ProcessingOptions(
        max_input_bytes=args.max_input_bytes,
        disabled_rules=frozenset(args.disable_rule),
        content_model=args.content_model,
    )
    ref = ObjectRef(bucket=None, key=str(args.page))
    document = review_document(ref, LocalFileReader(source_url=args.url), options)
    target = args.output or review_path(Path.cwd(), args.page.name)
    target.write_text(review_html(document), encoding="utf-8")
    decisions = document.extraction.decisions or ()
    kept = sum(1 for decision in decisions if decision.kept)
    print(
        f"{args.page}: {summary(document)}; {len(decisions)} blocks ({kept} kept, "
        f"{len(decisions) - kept} removed) -> {target}",
        file=sys.stderr,
    )
    return 1 if document.status is Status.FAILED else 0


def _add_backfill_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "backfill",
        help="process objects already in S3 (resumable), or write an S3 Batch Operations job",
        description="Process the supported objects under s3://BUCKET/PREFIX whose result is not "
        "current (made from their ETag) with worker processes; or, with --manifest or "
        "--create-job, list them in an S3 Batch Operations manifest for the deployed function.",
    )
    command.add_argument("source", metavar="s3://BUCKET/PREFIX", help="objects to process")
    command.add_argument("--output-bucket", required=True, help="the function's OUTPUT_BUCKET")
    command.add_argument(
        "--output-prefix",
        default=DEFAULT_OUTPUT_PREFIX,
        help="the function's OUTPUT_PREFIX (default: %(default)s)",
    )
    command.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: the number of CPUs, %(default)s)",
    )
    command.add_argument(
        "--max-input-bytes",
        type=int,
        default=DEFAULT_MAX_INPUT_BYTES,
        help="size bound per object (default: %(default)s)",
    )
    _add_processing_options(command)
    command.add_argument("--endpoint-url", help="S3 endpoint (e.g. a local moto server)")
    command.add_argument(
        "--reprocess",
        action="store_true",
        help="also make again the results that an older article-extractor or trafilatura "
        "version made from the current object (after an upgrade); with --manifest or "
        "--create-job, the job asks the function to do so",
    )
    job = command.add_argument_group("S3 Batch Operations (instead of processing here)")
    job.add_argument(
        "--manifest", type=Path, metavar="FILE.csv", help="write the manifest, print the job"
    )
    job.add_argument(
        "--create-job", action="store_true", help="upload the manifest and create the job"
    )
    job.add_argument("--function-arn", help="the deployed function (ARN)")
    job.add_argument("--role-arn", help="the role S3 Batch Operations assumes")
    job.add_argument("--report-bucket", help="receives the manifest and the completion report")
    job.add_argument("--account-id", help="default: the caller's (sts get-caller-identity)")
    job.add_argument(
        "--priority",
        type=int,
        default=DEFAULT_JOB_PRIORITY,
        help="the job's priority, higher runs first (default: %(default)s)",
    )


def _backfill(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from article_extractor_tools import backfill  # boto3 and multiprocessing: backfill only

    try:
        source = backfill.S3Location.parse(args.source)
        settings = Settings.from_environ(
            {
                "OUTPUT_BUCKET": args.output_bucket,
                "OUTPUT_PREFIX": args.output_prefix,
                "MAX_INPUT_BYTES": str(args.max_input_bytes),
                "INPUT_BUCKET": source.bucket,  # the function's own rules, so results match
                "DISABLED_CLEANING_RULES": ",".join(args.disable_rule),
                "CONTENT_MODEL": "on" if args.content_model else "off",
            }
        )
    except (ValueError, ConfigurationError) as error:
        parser.error(str(error))
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    job_values = (args.function_arn, args.role_arn, args.report_bucket, args.account_id)
    if args.create_job:
        missing = [
            flag
            for flag, value in zip(
                ("--function-arn", "--role-arn", "--report-bucket"), job_values, strict=False
            )
            if not value
        ]
        if missing:
            parser.error(f"--create-job needs {', '.join(missing)}")
    elif args.manifest is None and any(job_values):
        parser.error(
            "--function-arn, --role-arn, --report-bucket and --account-id go with "
            "--manifest or --create-job"
        )
    if (args.manifest is not None or args.create_job) and (
        args.disable_rule or not args.content_model
    ):
        parser.error(
            "--disable-rule and --no-content-model apply to processing here; the deployed "
            "function follows its DISABLED_CLEANING_RULES and CONTENT_MODEL"
        )
    options = backfill.BackfillOptions(
        source=source,
        settings=settings,
        workers=args.workers,
        endpoint_url=args.endpoint_url,
        manifest_path=args.manifest,
        reprocess=args.reprocess,
    )
    if args.manifest is None and not args.create_job:
        return backfill.run_backfill(options, err=sys.stderr)
    job = backfill.JobOptions(
        function_arn=args.function_arn,
        role_arn=args.role_arn,
        report_bucket=args.report_bucket,
        account_id=args.account_id,
        priority=args.priority,
        create=args.create_job,
    )
    return backfill.run_manifest(replace(options, job=job), out=sys.stdout, err=sys.stderr)


def collect_inputs(paths: Sequence[str]) -> Iterator[tuple[Path, Path]]:
    """(path, path relative to its argument) for each input; directories are searched deeply."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and is_supported_key(found.name):
                    yield found, found.relative_to(path)
        else:
            yield path, Path(path.name)


def summary(document: OutputDocument) -> str:
    """One line: status, then words and title, or the error code."""
    if document.error is not None:
        return f"{document.status} ({document.error.code}: {document.error.message})"
    article = document.article
    assert article is not None
    return f"{document.status}, {article.word_count} words, title {article.title!r}"


if __name__ == "__main__":
    sys.exit(main())
