"""Progress on a terminal: a tqdm bar, when tqdm (the `tools` extra) is installed.

A bar is drawn only on a terminal: where the stream is a file or a CI log, callers print plain
lines instead, so a log never fills with redrawn bars.

Example::

    bar = terminal_bar(sys.stderr, total=len(paths), unit="file")
    for path in paths:
        ...
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

REFRESH_SECONDS = 0.2


def terminal_bar(
    stream: TextIO, total: int | None, unit: str, leave: bool = True
) -> tqdm[Any] | None:
    """A tqdm bar on `stream` when it is a terminal and tqdm is installed, else None.

    `total` None: a counter with a rate until the total is set (`bar.total = n`).
    """
    if not stream.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # installed without the `tools` extra: plain lines instead
        return None
    return tqdm(
        total=total,
        file=stream,
        unit=unit,
        leave=leave,
        mininterval=REFRESH_SECONDS,
        dynamic_ncols=True,
    )
