"""article-extractor: raw HTML in S3 -> clean article JSON.

The path of one document::

    event -> ObjectRef -> bounded read -> decode -> extract -> clean
          -> OutputDocument -> JSON -> write

Each step lives in its own module; `processing.process_object` runs them in order and is the one
entry point shared by the Lambda handler, the CLI and the local demo.
"""

# The one place the version is set (pyproject reads it): no importlib.metadata at cold start.
__version__ = "0.1.0"
