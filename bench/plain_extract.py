"""The plain scripts bench/cli.py times the command line against.

    python bench/plain_extract.py DIR... --output-dir OUT [--extractor stock|product]

Each `.html`, `.htm`, `.html.gz` or `.htm.gz` file under each DIR (searched deeply, in sorted
order) is read as bytes and written as JSON to `OUT/<path relative to DIR>.json`: the files are
found, read and written the way `article-extractor extract DIR... --output-dir OUT` does it.
`stock` (the reference): the file, gunzipped when its name ends in `.gz`, goes to
`trafilatura.extract(include_comments=False, with_metadata=True)` and the text is written in a
JSON object. `product`: the bytes go to `process_object`, the document is written as the command
line writes it; the command line's own costs are what it takes over this.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
MAX_INPUT_BYTES = 10 * 1024 * 1024


# Each imports its own package on first use: the stock script never pays for the product's.
def stock(name: str, body: bytes) -> bytes:
    import trafilatura

    if name.endswith(".gz"):
        body = gzip.decompress(body)
    text = trafilatura.extract(body, include_comments=False, with_metadata=True)
    return json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")


def product(name: str, body: bytes) -> bytes:
    from article_extractor.inputs import FetchedObject, ObjectRef
    from article_extractor.options import ProcessingOptions
    from article_extractor.pipeline import process_fetched

    fetched = FetchedObject(body=body, size=len(body), content_type="text/html")
    return process_fetched(
        ObjectRef(None, name), fetched, ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES)
    ).to_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", type=Path, metavar="DIR")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--extractor", choices=["stock", "product"], default="stock")
    args = parser.parse_args(argv)
    convert = product if args.extractor == "product" else stock
    for directory in args.directories:
        for path in sorted(directory.rglob("*")):
            if not (path.is_file() and path.name.endswith(SUFFIXES)):
                continue
            relative = path.relative_to(directory)
            target = args.output_dir / relative.parent / (relative.name + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(convert(path.name, path.read_bytes()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
