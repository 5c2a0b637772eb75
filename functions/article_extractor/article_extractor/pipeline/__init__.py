"""The pipeline: one object's bytes -> its `OutputDocument` (decode, sanitize, parse, extract,
metadata, lede, language, clean). The only part of the function that imports lxml, trafilatura
and their dependencies, so importing it is what the first document processed pays for: the
handler and `aws/` import it inside the functions that process a document, never at module
level (tests/unit/test_layout.py checks).

Example::

    from article_extractor.pipeline import process_object
    document = process_object(ObjectRef(None, "page.html"), reader, max_input_bytes=10 << 20)
"""

from article_extractor.pipeline.process import error_document, process_fetched, process_object

__all__ = ["error_document", "process_fetched", "process_object"]
