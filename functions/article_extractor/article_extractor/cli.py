"""`article-extractor` command: extract local files, run the demo, or serve the local stack.

article-extractor extract PATH... [--url URL] [--output-dir DIR]
article-extractor demo [SAMPLES_DIR]
article-extractor serve [--port PORT]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from .config import DEFAULT_MAX_INPUT_BYTES
from .document import OutputDocument, Status
from .events import ObjectRef
from .keys import OUTPUT_SUFFIX, is_supported_key
from .processing import process_object
from .storage import LocalFileReader


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args, parser)
    from . import local  # moto is only needed by these two commands

    if args.command == "demo":
        return local.run_demo(Path(args.samples), out=sys.stdout)
    return local.serve(port=args.port, out=sys.stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="article-extractor", description="Raw HTML -> clean article JSON."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract", help="extract local .html/.htm/.html.gz files (the Lambda's processing)"
    )
    extract.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    extract.add_argument("--url", help="the page's URL (as S3 metadata source-url would give)")
    extract.add_argument(
        "--output-dir", type=Path, help="write <name>.json files here instead of stdout"
    )
    extract.add_argument(
        "--max-input-bytes", type=int, default=DEFAULT_MAX_INPUT_BYTES, help="size bound per file"
    )
    demo = commands.add_parser("demo", help="run the whole pipeline on embedded moto over samples")
    demo.add_argument("samples", nargs="?", default="samples", help="directory of sample pages")
    serve = commands.add_parser("serve", help="keep the local stack running and process uploads")
    serve.add_argument("--port", type=int, default=5000, help="moto server port on 127.0.0.1")
    return parser


def _extract(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    inputs = list(collect_inputs(args.paths))
    if not inputs:
        parser.error("no .html, .htm or .html.gz files found in the given paths")
    if args.url and len(inputs) > 1:
        parser.error("--url applies to one input file only")
    reader = LocalFileReader(source_url=args.url)
    any_failed = False
    for path, relative in inputs:
        document = process_object(
            ObjectRef(bucket=None, key=str(path)), reader, args.max_input_bytes
        )
        any_failed |= document.status is Status.FAILED
        if args.output_dir is None:
            indent = 2 if len(inputs) == 1 else None  # one file: readable; many: JSON Lines
            print(document.to_json(indent=indent))
            continue
        target = args.output_dir / relative.parent / (relative.name + OUTPUT_SUFFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document.to_bytes())
        print(f"{path} -> {target}: {summary(document)}", file=sys.stderr)
    return 1 if any_failed else 0


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
    article = document.document
    assert article is not None
    return f"{document.status}, {article.word_count} words, title {article.title!r}"


if __name__ == "__main__":
    sys.exit(main())
