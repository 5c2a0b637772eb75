"""One SQS batch's life, owned by one Powertools batch processor: each message is parsed once, in
the prepare step, where the read-ahead of the batch's objects starts too; each message is then
handled alone (its failure, a malformed body's included, is reported in `batchItemFailures`,
never its batch's); the clean step stops the reads no message took.

Imported with the first SQS event: it loads Powertools' batch utility and its event classes.

Example::

    batch = ObjectBatch(lambda ref: take_snapshot(ref, s3, reader, settings), concurrency=4)
    batch.respond(event, lambda record: [handle(r, batch.read_ahead) for r in batch.refs(record)])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from article_extractor.aws.events import refs_from_sqs_record
from article_extractor.aws.read_ahead import ReadAhead
from article_extractor.inputs import Change, ObjectRef

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from article_extractor.aws.results import Snapshot


class ObjectBatch(BatchProcessor):
    """Powertools' SQS `BatchProcessor`, which also parses each message once before any is
    handled and reads the batch's objects ahead (`concurrency` at a time; 0: no read-ahead).

    `refs(record)` gives a message's object references as parsed then, or raises what parsing
    raised; `read_ahead` holds the snapshots taken ahead (None when there is nothing to
    overlap: no read-ahead, or fewer than two objects to read)."""

    def __init__(self, snapshot: Callable[[ObjectRef], Snapshot], concurrency: int) -> None:
        # Failing every message of a batch is reported like any partial failure, not raised.
        super().__init__(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        self._snapshot = snapshot
        self._concurrency = concurrency
        self._parsed: dict[int, list[ObjectRef] | Exception] = {}
        self.read_ahead: ReadAhead[ObjectRef, Snapshot] | None = None

    def _prepare(self) -> None:
        super()._prepare()  # type: ignore[no-untyped-call]
        self._parsed = {}
        for record in self.records:
            try:
                self._parsed[id(record)] = refs_from_sqs_record(record)
            except Exception as error:  # reported by that message's handling, alone
                self._parsed[id(record)] = error
        to_read = [
            ref.current()
            for refs in self._parsed.values()
            if not isinstance(refs, Exception)
            for ref in refs
            if ref.change in (Change.CREATED, Change.RESTORED)
        ]
        if self._concurrency > 0 and len(to_read) >= 2:
            self.read_ahead = ReadAhead(self._snapshot, to_read, self._concurrency)

    def _clean(self) -> None:
        try:
            if self.read_ahead is not None:
                self.read_ahead.close()
                self.read_ahead = None
        finally:
            super()._clean()  # type: ignore[no-untyped-call]

    def refs(self, record: SQSRecord) -> list[ObjectRef]:
        """The object references `record`'s message carries, as the prepare step parsed them;
        raises the parsing's error for a message that is not a well-formed notification."""
        parsed = self._parsed[id(record.raw_event)]
        if isinstance(parsed, Exception):
            raise parsed
        return parsed

    def respond(
        self,
        event: dict[str, Any],
        record_handler: Callable[[SQSRecord], Any],
        context: LambdaContext | None,
    ) -> dict[str, Any]:
        """Handle each message of `event` with `record_handler`; the partial batch response
        names only the messages whose handling raised."""
        return dict(
            process_partial_response(
                event=event, record_handler=record_handler, processor=self, context=context
            )
        )
