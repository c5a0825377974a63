"""A flood of the same trouble is one line in full and one count per interval; nothing goes uncounted."""
from __future__ import annotations

import asyncio
import errno
import logging

from mitmproxy.log import MitmLogHandler

from proxy_addons.logs.summary import DISTINCT, Summariser, install


class Lines(MitmLogHandler):      # a handler of mitmproxy's, as its terminal log is
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_repeated_accept_failures_are_one_traceback_and_one_count():
    handler, now = Lines(), [100.0]
    handler.addFilter(Summariser(handler, interval=10, clock=lambda: now[0]))
    logger = logging.getLogger("test.log_summary.accept")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        failure = OSError(errno.EMFILE, "Too many open files")
        for _ in range(1000):
            logger.error("Unhandled error in task.", exc_info=(OSError, failure, None))
        logger.info("client connect")                      # ordinary notices are never held back
        assert handler.lines[0].startswith("ERROR Unhandled error in task.\nOSError: [Errno 24] Too many open files")
        assert handler.lines[1:] == ["INFO client connect"]
        now[0] += 10                                        # the interval is over: the next one reports it
        logger.error("Unhandled error in task.", exc_info=(OSError, failure, None))
        assert handler.lines[2] == ("ERROR … and 999 more like it in the last 10 s: Unhandled error in task. "
                                    "(OSError: [Errno 24] Too many open files)")
        assert handler.lines[3].startswith("ERROR Unhandled error in task.\nOSError")
    finally:
        logger.removeHandler(handler)


def test_lines_whose_arguments_are_the_trouble_each_go_out_in_full():
    handler = Lines()
    handler.addFilter(Summariser(handler, interval=10, clock=lambda: 0.0))
    logger = logging.getLogger("test.log_summary.rules")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for line in ("rules.yaml: is gone", "no file has a 'rules:' list", "rules.yaml: is gone"):
            logger.error("rules not reloaded: %s", line, extra=DISTINCT)
        logger.error("database down: %s", "timeout")
        logger.error("database down: %s", "refused")      # same template: a repeat of the same trouble
        assert handler.lines == ["ERROR rules not reloaded: rules.yaml: is gone",
                                 "ERROR rules not reloaded: no file has a 'rules:' list",
                                 "ERROR database down: timeout"]
    finally:
        logger.removeHandler(handler)


def test_per_connection_notices_are_counted_per_reason_not_per_address():
    handler, now = Lines(), [0.0]
    summariser = Summariser(handler, interval=10, clock=lambda: now[0])
    handler.addFilter(summariser)
    logger = logging.getLogger("test.log_summary.limits")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        for n in range(50):
            logger.info("closed a connection from %s: no complete request head within 30 s", f"10.0.0.{n}",
                        extra={"summarise": True})
            logger.info("closed a connection from %s: room was needed", f"10.0.0.{n}", extra={"summarise": True})
        logging.getLogger("test.log_summary.limits").info("plain notice %s", 1)
        assert handler.lines == ["INFO closed a connection from 10.0.0.0: no complete request head within 30 s",
                                 "INFO closed a connection from 10.0.0.0: room was needed", "INFO plain notice 1"]
        summariser.flush()
        assert sorted(handler.lines[3:]) == [
            "INFO … and 49 more like it in the last 10 s: closed a connection from 10.0.0.0: no complete request "
            "head within 30 s",
            "INFO … and 49 more like it in the last 10 s: closed a connection from 10.0.0.0: room was needed"]
    finally:
        logger.removeHandler(handler)


def test_on_the_proxy_loop_the_count_arrives_when_the_interval_ends_without_another_record():
    async def flood() -> list[str]:
        root = logging.getLogger()
        handler = Lines()
        root.addHandler(handler)
        try:
            (_summariser,) = [s for s in install(interval=0.2) if s.handler is handler]
            logger = logging.getLogger("test.log_summary.mitmproxy")      # as mitmproxy.proxy.server logs it
            logger.setLevel(logging.INFO)
            for port in range(20):
                logger.info(f"Client closed connection before completing request headers: b'GET /{port}'")  # noqa: G004  (as mitmproxy logs it)
            assert len(handler.lines) == 1
            for _ in range(100):
                if len(handler.lines) == 2:
                    break
                await asyncio.sleep(0.05)        # the loop must run for its timer: a bounded wait, polled
            return handler.lines
        finally:
            root.removeHandler(handler)

    lines = asyncio.run(flood())
    assert lines == ["INFO Client closed connection before completing request headers: b'GET /0'",
                     "INFO … and 19 more like it in the last 0 s: Client closed connection before completing "
                     "request headers: b'GET /0'"]


def test_a_handler_that_is_not_mitmproxys_prints_every_record():
    root, plain = logging.getLogger(), logging.Handler()
    root.addHandler(plain)
    try:
        install()
        assert plain.filters == []         # an embedding program's or a test runner's handler is theirs
    finally:
        root.removeHandler(plain)
