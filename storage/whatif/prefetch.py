"""Reading ahead: chunks of a query's rows fetched on a thread while the caller works on the last ones.

The database driver waits for the server (PostgreSQL) or steps the query (SQLite) without holding
Python's lock, so fetching and replaying overlap. At most `depth` chunks wait, so memory stays
bounded; a caller that stops early stops the thread before the connection is closed.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from queue import Queue
from typing import Any

_END = object()


def read_ahead[T](chunks: Iterable[Sequence[T]], depth: int = 3) -> Iterator[T]:
    """The items of `chunks`, in order, the next chunks fetched on a thread meanwhile."""
    queue: Queue[Any] = Queue(maxsize=depth)
    stop = threading.Event()

    def pump() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                queue.put(chunk)
            queue.put(_END)
        except BaseException as exc:    # handed to the reader, who raises it where it reads
            queue.put(exc)

    thread = threading.Thread(target=pump, name="whatif-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        while thread.is_alive():        # let a pump blocked on a full queue see the stop
            while not queue.empty():
                queue.get_nowait()
            thread.join(timeout=0.05)
