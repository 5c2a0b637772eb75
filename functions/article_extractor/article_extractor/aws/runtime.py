"""Heavy modules: imported by the first invocation that needs them and kept for the container's
life, or all at initialisation when Lambda initialises the container ahead of traffic.

`import article_extractor.handler` (the cold start) loads what every invocation needs: Powertools'
logger and metrics, settings, event parsing. The rest waits for its first use:

- boto3 and botocore: `s3_client()`, called by the first S3 read, write or delete;
- trafilatura and lxml (`article_extractor.pipeline`): `results.process_and_store`, called by the
  first document actually processed. An `s3:TestEvent`, a removal, an event for the
  function's own output, or a result already current (`backfill`) never loads them;
- Powertools' batch utility (and its event data classes): `aws.sqs_batch`, on the first SQS
  event;
- Powertools' Tracer and the X-Ray SDK: `tracing`, at import when tracing is on (then every
  invocation is traced), never when it is off.

Provisioned concurrency and SnapStart initialise a container before any request reaches it
(`AWS_LAMBDA_INITIALIZATION_TYPE` is `provisioned-concurrency` or `snap-start`; `on-demand`
otherwise). No request waits for that initialisation, so the handler imports everything then and
processes a built-in page (`import_deferred_modules`); SnapStart snapshots the initialised
memory, so every restored container starts with the modules loaded and the checks done.

Example::

    if initialised_ahead_of_traffic(os.environ):
        import_deferred_modules()
    s3 = s3_client()  # boto3 is imported here, once
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from article_extractor.config import Settings, is_true
from article_extractor.inputs import ObjectReader

if TYPE_CHECKING:
    from boto3 import Session
    from mypy_boto3_s3 import S3Client

Function = TypeVar("Function", bound=Callable[..., Any])

# The values of AWS_LAMBDA_INITIALIZATION_TYPE for which initialisation happens before traffic.
AHEAD_OF_TRAFFIC = frozenset({"provisioned-concurrency", "snap-start"})
# Imported on first use, or all at once by `import_deferred_modules`.
DEFERRED_MODULES = (
    "boto3",
    "article_extractor.pipeline",
    "article_extractor.aws.sqs_batch",
)


def initialised_ahead_of_traffic(environ: Mapping[str, str]) -> bool:
    """True under provisioned concurrency and SnapStart, where init time delays no request."""
    return environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand") in AHEAD_OF_TRAFFIC


def import_deferred_modules() -> None:
    """Import now every module this package otherwise imports on first use, and run the
    pipeline once on a built-in page (its checks and expressions also wait for first use)."""
    for name in DEFERRED_MODULES:
        importlib.import_module(name)
    importlib.import_module("article_extractor.pipeline").warm_up()


def tracing_enabled(environ: Mapping[str, str]) -> bool:
    """Powertools' rule for its Tracer: on in Lambda (`LAMBDA_TASK_ROOT` set), off when
    `POWERTOOLS_TRACE_DISABLED` is true and under SAM CLI or Chalice local emulation."""
    if is_true(environ.get("POWERTOOLS_TRACE_DISABLED")):
        return False
    emulated = environ.get("AWS_SAM_LOCAL") or environ.get("AWS_CHALICE_CLI_MODE")
    return bool(environ.get("LAMBDA_TASK_ROOT")) and not emulated


def _unchanged(function: Function) -> Function:
    return function


class Tracing(NamedTuple):
    """The decorators of Powertools' Tracer, or ones that leave the function as it is."""

    capture_lambda_handler: Callable[[Function], Function]
    capture_method: Callable[[Function], Function]


def decorators_for_tracing(service: str, environ: Mapping[str, str] = os.environ) -> Tracing:
    """Powertools' Tracer when tracing is on; without it, the X-Ray SDK (which builds a recorder
    and two botocore clients at import) is never imported."""
    if not tracing_enabled(environ):
        return Tracing(_unchanged, _unchanged)
    from aws_lambda_powertools import Tracer

    tracer = Tracer(service=service)
    return Tracing(tracer.capture_lambda_handler, tracer.capture_method)  # type: ignore[arg-type]


def s3_client(endpoint_url: str | None = None, session: Session | None = None) -> S3Client:
    """A new S3 client, the one configuration every part uses (the function, backfill, the
    local stack): standard retries (5 attempts) for throttling, 5xx and dropped connections,
    and bounded connect/read timeouts. `endpoint_url` points at another S3 endpoint (a local
    one, MinIO); `session` carries other credentials."""
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30
    )
    return (session or boto3).client("s3", endpoint_url=endpoint_url, config=config)


@dataclass(frozen=True)
class Runtime:
    """What one container keeps across invocations: settings and clients, nothing else.

    The S3 client (and boto3 with it) is created by the first invocation that reads or writes.
    """

    settings: Settings

    @cached_property
    def s3(self) -> S3Client:
        return s3_client()

    @cached_property
    def reader(self) -> ObjectReader:
        from article_extractor.aws.storage import S3ObjectReader

        return S3ObjectReader(self.s3)


@cache
def runtime() -> Runtime:
    """Settings, read once per cold start; clients on first use (tests call
    `runtime.cache_clear()`)."""
    return Runtime(settings=Settings.from_environ(os.environ))
