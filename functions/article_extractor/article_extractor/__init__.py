"""article-extractor: raw HTML in S3 -> clean article JSON.

The path of one document::

    event -> ObjectRef -> bounded read -> decode -> parse -> extract blocks
          -> classify and clean blocks -> OutputDocument -> JSON -> conditional write

`handler` tells the event kind apart; `aws/` holds the two ends (events in, S3 out);
`pipeline.process_object` runs every step between them and is the one entry point shared by the
Lambda handler, the CLI and the local demo. Below both: settings (`config`), processing options
(`options`), inputs (`inputs`), key mapping (`keys`), the output document (`document`), errors,
URLs and timestamps.
"""

# The one place the version is set (pyproject reads it): no importlib.metadata at cold start.
__version__ = "0.1.0"
