"""The pipeline: one object's bytes -> its `OutputDocument`. One room per stage, in the order a
page takes them: `read/` (bytes -> text -> tree), `upstream/` (trafilatura's steps, checked and
sped up), `metadata/`, `blocks/` (typed blocks, figures, lede, cleaning, Markdown) and `model/`
(page types and block decisions); `extract` and `process` run them in order.

The only part of the function that imports lxml, trafilatura and their dependencies, so
importing it is what the first document processed pays for: the handler and `aws/` import it
inside the functions that process a document, never at module level; it never imports `aws/`
(tests/unit/test_layout.py checks both).

Example::

    from article_extractor.pipeline import process_object
    document = process_object(ObjectRef(None, "page.html"), reader, ProcessingOptions())
"""

from article_extractor.pipeline.process import (
    error_document,
    process_fetched,
    process_object,
    warm_up,
)

__all__ = ["error_document", "process_fetched", "process_object", "warm_up"]
