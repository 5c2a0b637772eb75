"""Another trafilatura (and lxml), simulated in a fresh interpreter: internals the pipeline relies
on are gone or changed, while trafilatura's own code runs as before. Prints, as JSON, the
warnings the pipeline logged, which trafilatura functions it replaced, and the output document
of each page (without its timings).

    python -m tests.simulated_upgrade SCENARIO PAGE...

SCENARIO is one of `SCENARIOS`. tests/unit/test_internals.py runs it.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (module, name) the pipeline replaces in trafilatura when a speed-up is enabled
REPLACED = (
    ("trafilatura.main_extractor", "prune_unwanted_nodes"),
    ("trafilatura.core", "prune_unwanted_nodes"),
    ("trafilatura.baseline", "BASIC_CLEAN_XPATH"),
    ("trafilatura.core", "compare_extraction"),
)


def without(module: str, *removed: str, **changed: Any) -> None:
    """`module` as the pipeline will import it: without the names `removed`, with `changed`.
    A copy replaces it in sys.modules; trafilatura's functions keep the original's globals, so
    they run unchanged, as a release whose code no longer needs those names would."""
    original = importlib.import_module(module)
    copy = types.ModuleType(module, original.__doc__)
    copy.__dict__.update(original.__dict__)
    for name in removed:
        delattr(copy, name)
    for name, value in changed.items():
        setattr(copy, name, value)
    sys.modules[module] = copy
    parent, _, child = module.rpartition(".")
    setattr(sys.modules[parent], child, copy)


def compare_extraction_with_another_signature() -> Callable[..., Any]:
    stock = importlib.import_module("trafilatura.external").compare_extraction

    def compare_extraction(
        cleaned_tree: Any, raw_tree: Any, body: Any, text: str, options: Any, url: Any = None
    ) -> Any:
        return stock(cleaned_tree, raw_tree, body, text, options)

    return compare_extraction


def issue_names() -> None:
    """The private names issue 13 lists (trafilatura's main branch has dropped several), and
    `compare_extraction` with another signature."""
    without("trafilatura.settings", "_COOKIE_CONSENT_RE")
    without(
        "trafilatura.xpaths",
        "_COMMENTS_ID",
        "_COMMENTS_CLASS",
        "RAW_TREE_PRUNE_XPATH",
        "REMOVE_COMMENTS_AND_LISTS_XPATH",
    )
    without("trafilatura.external", compare_extraction=compare_extraction_with_another_signature())


def no_internals() -> None:
    """Every internal name the pipeline uses gone, lxml's table of element classes included."""
    issue_names()
    without("trafilatura.htmlprocessing", "prune_unwanted_nodes")
    without("trafilatura.xml", "delete_element")
    without("trafilatura.baseline", "BASIC_CLEAN_XPATH")
    without("trafilatura.external", "_prefer_readability", "try_readability")
    without("trafilatura.xpaths", "REMOVE_COMMENTS_XPATH")
    without(
        "trafilatura.metadata",
        "examine_meta",
        "extract_meta_json",
        "extract_title",
        "extract_url",
        "extract_sitename",
        "extract_catstags",
        "META_URL",
    )
    without("trafilatura.json_metadata", "normalize_authors")
    without("trafilatura.settings", "set_date_params")
    without(
        "trafilatura.utils",
        "DOCTYPE_TAG",
        "FAULTY_HTML",
        "is_dubious_html",
        "trim",
        "line_processing",
    )
    # lxml.html's lookup keeps working with its table under another name.
    lookup = importlib.import_module("lxml.html").HtmlElementClassLookup
    table = lookup.__dict__["_default_element_classes"]
    del lookup._default_element_classes
    init = lookup.__init__

    def init_from_renamed_table(self: Any, classes: Any = None, mixins: Any = None) -> None:
        init(self, dict(table) if classes is None else classes, mixins)

    lookup.__init__ = init_from_renamed_table


SCENARIOS: dict[str, Callable[[], None]] = {
    "issue-names": issue_names,
    "no-internals": no_internals,
}


class PageReader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, ref: Any, max_bytes: int) -> Any:
        from article_extractor.inputs import FetchedObject

        body = self.path.read_bytes()
        return FetchedObject(body=body, size=len(body))


class Warnings(logging.Handler):
    """The messages of the warnings (and worse) logged."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main(scenario: str, pages: list[str]) -> None:
    warnings = Warnings()
    logging.getLogger("article_extractor").addHandler(warnings)
    SCENARIOS[scenario]()
    from article_extractor.inputs import ObjectRef
    from article_extractor.options import ProcessingOptions
    from article_extractor.pipeline import process_object

    documents = [
        json.loads(
            process_object(
                ObjectRef(None, path.name),
                PageReader(path),
                ProcessingOptions(max_input_bytes=10 << 20),
            ).to_json()
        )
        for path in map(Path, pages)
    ]
    replaced = [
        f"{module}.{name}"
        for module, name in REPLACED
        if hasattr(getattr(sys.modules[module], name, None), "__wrapped__")
    ]
    print(json.dumps({"warnings": warnings.messages, "replaced": replaced, "documents": documents}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
