"""What the deployed stack costs per million pages and per month, from the measured time per
page and AWS list prices: the arithmetic behind the README's cost tables.

    python bench/cost.py [--ms-per-page MS] [--memory-mb MB] [--pages-per-month N ...]

Prints the README's two tables (Markdown). Every input is a flag, so the tables can be made
again for another region's prices, another memory size, or a new speed measurement:
`--ms-per-page` is the mean processing time of one page on one core (`bench/speed.py`'s docs/s
for the product, inverted; docs/performance.md). The model:

- Lambda runs a page in `ms x 1769 / min(memory, 1769)` (a full vCPU at 1,769 MB, a share of
  it below; one Lambda vCPU taken as fast as one core of the host that measured `ms`) and
  bills that at the configured memory, on arm64;
- per page, the function makes 3 S3 GET-class requests (HEAD of the stored result, GET of the
  object, HEAD of the key after the write) and 1 PUT (the record): counted on the handler's
  S3 client over moto;
- per page, S3 sends one SQS message; per batch, Lambda's poller makes at least one
  ReceiveMessage and one DeleteMessageBatch;
- CloudWatch Logs ingests the function's "object processed" line per page and one line of
  metrics (EMF) per invocation, at the sizes measured over moto with the demo's samples;
- X-Ray records at most one trace per invocation (its default sampling keeps fewer when
  there is more than one invocation a second);
- not counted: the uploads themselves, waiting on S3 (billed at the configured memory: each
  10 ms a page waits adds `0.01 s x memory GB x price per GB-s`), Lambda's own
  START/END/REPORT log lines, free tiers, and the idle polling of an empty queue.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

# Measured (see the module docstring and docs/performance.md).
MS_PER_PAGE = 50.0  # bench/speed.py: the product at 20.0 docs/s on one core
RESULT_KIB = 9.3  # bench/speed.py: the result JSON at the median
LOG_BYTES_PER_PAGE = 661  # the "object processed" line
# One EMF line per invocation: 365 bytes for a batch of 1 page, 556 for a batch of 10.
METRICS_BYTES_PER_INVOCATION = 344
METRICS_BYTES_PER_PAGE = 21
S3_GET_CLASS_PER_PAGE = 3
S3_PUT_PER_PAGE = 1
SQS_REQUESTS_PER_PAGE = 1  # S3's SendMessage
SQS_REQUESTS_PER_BATCH = 2  # ReceiveMessage and DeleteMessageBatch, at least
METRIC_NAMES = 12  # handler.py: Documents* (4), Results* (6), ExtractionDuration, OwnOutputIgnored
ALARMS = 3  # template.yaml
# template.yaml's defaults.
MEMORY_MB = 1024
BATCH_SIZE = 10
FULL_VCPU_MB = 1769
GIB = 1 << 30

# us-east-1 list prices, as dated in the README; free tiers left out.
PRICES_REGION = "us-east-1"
LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1e6
S3_PUT = 0.005 / 1000
S3_GET = 0.0004 / 1000
S3_STORAGE_GB_MONTH = 0.023
SQS_REQUEST = 0.40 / 1e6
LOGS_INGESTED_GB = 0.50
XRAY_TRACE = 5.00 / 1e6
METRIC_MONTH = 0.30
ALARM_MONTH = 0.10


@dataclass(frozen=True)
class Inputs:
    ms_per_page: float = MS_PER_PAGE
    memory_mb: int = MEMORY_MB
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True)
class Line:
    item: str
    arithmetic: str
    dollars: float


def lambda_seconds(inputs: Inputs) -> float:
    """Seconds one page takes on Lambda at the configured memory."""
    return inputs.ms_per_page / 1000 * FULL_VCPU_MB / min(inputs.memory_mb, FULL_VCPU_MB)


def per_million(inputs: Inputs) -> list[Line]:
    """What one million pages cost, item by item."""
    pages = 1e6
    invocations = pages / inputs.batch_size
    seconds = lambda_seconds(inputs)
    gb = inputs.memory_mb / 1024
    log_bytes = (
        pages * (LOG_BYTES_PER_PAGE + METRICS_BYTES_PER_PAGE)
        + invocations * METRICS_BYTES_PER_INVOCATION
    )
    sqs = pages * SQS_REQUESTS_PER_PAGE + invocations * SQS_REQUESTS_PER_BATCH
    return [
        Line(
            "Lambda compute",
            f"{inputs.ms_per_page:g} ms x {FULL_VCPU_MB}/{min(inputs.memory_mb, FULL_VCPU_MB)}"
            f" = {seconds * 1000:.1f} ms at {inputs.memory_mb} MB: "
            f"{gb * seconds:.4f} GB-s x ${LAMBDA_ARM_GB_SECOND:.10f}",
            pages * gb * seconds * LAMBDA_ARM_GB_SECOND,
        ),
        Line(
            "Lambda requests",
            f"{invocations:,.0f} invocations x ${LAMBDA_REQUEST * 1e6:.2f}/M",
            invocations * LAMBDA_REQUEST,
        ),
        Line(
            "S3 GET and HEAD",
            f"{S3_GET_CLASS_PER_PAGE} per page x ${S3_GET * 1000:.4f}/1,000",
            pages * S3_GET_CLASS_PER_PAGE * S3_GET,
        ),
        Line(
            "S3 PUT",
            f"{S3_PUT_PER_PAGE} per page x ${S3_PUT * 1000:.3f}/1,000",
            pages * S3_PUT_PER_PAGE * S3_PUT,
        ),
        Line(
            "SQS requests",
            f"{sqs:,.0f} x ${SQS_REQUEST * 1e6:.2f}/M",
            sqs * SQS_REQUEST,
        ),
        Line(
            "CloudWatch Logs ingested",
            f"{log_bytes / GIB:.2f} GB x ${LOGS_INGESTED_GB:.2f}",
            log_bytes / GIB * LOGS_INGESTED_GB,
        ),
        Line(
            "X-Ray traces (at most)",
            f"{invocations:,.0f} x ${XRAY_TRACE * 1e6:.2f}/M",
            invocations * XRAY_TRACE,
        ),
    ]


def monthly_fixed() -> list[Line]:
    """What a deployed stack costs a month whatever it processes (at most)."""
    return [
        Line(
            "custom metrics (at most)",
            f"{METRIC_NAMES} names x ${METRIC_MONTH:.2f}",
            METRIC_NAMES * METRIC_MONTH,
        ),
        Line("alarms", f"{ALARMS} x ${ALARM_MONTH:.2f}", ALARMS * ALARM_MONTH),
    ]


def storage_per_million_results() -> Line:
    """Keeping one million results a month (at the median result's size)."""
    gb = 1e6 * RESULT_KIB * 1024 / GIB
    return Line(
        "S3 storage of 1 M results",
        f"{gb:.1f} GB x ${S3_STORAGE_GB_MONTH:.3f}",
        gb * S3_STORAGE_GB_MONTH,
    )


def tables(inputs: Inputs, pages_per_month: Sequence[int]) -> str:
    """The README's cost tables: per million pages (full batches and one page per batch),
    then a month at each volume in `pages_per_month`."""
    full = per_million(inputs)
    single = per_million(Inputs(inputs.ms_per_page, inputs.memory_mb, batch_size=1))
    rows = [
        "| per million pages | arithmetic (batches of "
        f"{inputs.batch_size}) | batches of {inputs.batch_size} | batches of 1 |",
        "| --- | --- | ---: | ---: |",
    ]
    for line, alone in zip(full, single, strict=True):
        rows.append(
            f"| {line.item} | {line.arithmetic} | ${line.dollars:.2f} | ${alone.dollars:.2f} |"
        )
    total_full = sum(line.dollars for line in full)
    total_single = sum(line.dollars for line in single)
    rows.append(f"| **total** | | **${total_full:.2f}** | **${total_single:.2f}** |")
    fixed = monthly_fixed()
    storage = storage_per_million_results()
    fixed_total = sum(line.dollars for line in fixed)
    month = [
        "| a month | arithmetic | dollars |",
        "| --- | --- | ---: |",
        *(f"| {line.item} | {line.arithmetic} | ${line.dollars:.2f} |" for line in fixed),
        f"| {storage.item} | {storage.arithmetic} | ${storage.dollars:.2f} |",
    ]
    for pages in pages_per_month:
        millions = pages / 1e6
        low = fixed_total + millions * (total_full + storage.dollars)
        high = fixed_total + millions * (total_single + storage.dollars)
        month.append(
            f"| {pages:,} pages in a month, and their results stored | fixed + {millions:g} x "
            "(per million + storage) | "
            f"${low:.2f} to ${high:.2f} |"
        )
    return "\n".join(rows) + "\n\n" + "\n".join(month)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ms-per-page", type=float, default=MS_PER_PAGE)
    parser.add_argument("--memory-mb", type=int, default=MEMORY_MB)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--pages-per-month", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args(argv)
    print(tables(Inputs(args.ms_per_page, args.memory_mb, args.batch_size), args.pages_per_month))


if __name__ == "__main__":
    main()
