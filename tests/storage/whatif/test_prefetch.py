"""Reading ahead: every item in order, errors where they are read, and a reader that stops stops the thread."""
from __future__ import annotations

import threading

import pytest

from storage.whatif.prefetch import read_ahead


def test_every_item_in_order():
    assert list(read_ahead([[n, n + 1] for n in range(0, 200, 2)], depth=2)) == list(range(200))


def test_an_error_of_the_fetching_thread_is_raised_to_the_reader():
    def chunks():
        yield [1, 2]
        raise RuntimeError("connection lost")
    found = []
    with pytest.raises(RuntimeError, match="connection lost"):
        for item in read_ahead(chunks()):
            found.append(item)
    assert found == [1, 2]


def test_a_reader_that_stops_early_stops_the_thread():
    fetched = []

    def chunks():
        for n in range(1000):
            fetched.append(n)
            yield [n]
    reader = read_ahead(chunks(), depth=2)
    assert next(reader) == 0
    reader.close()
    assert not [t for t in threading.enumerate() if t.name == "whatif-read-ahead"]
    assert len(fetched) < 10
