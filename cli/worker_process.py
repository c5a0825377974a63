"""One proxy worker as a forked copy of the supervisor, watched from the supervisor's event loop.

Forked, not started afresh: the supervisor has imported mitmproxy and the addons once, so a worker
that died is listening again in a fraction of a second instead of the seconds a new interpreter takes
to import them on a busy machine. The supervisor holds no thread, database connection or listening
socket to leak into the copy. Its end is known through a pidfd, readable once it has exited.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable


class ForkedWorker:
    def __init__(self, run: Callable[[], int], close_in_child: list[int]) -> None:
        """Fork now; the copy calls `run` (its exit code) after closing the descriptors it must not hold."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:                       # the worker
            code = 70
            try:
                for number in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(number, signal.SIG_DFL)    # the worker's own loop takes them over
                for fd in close_in_child:
                    os.close(fd)
                code = run()
            except KeyboardInterrupt:
                code = 130
            except SystemExit as exit_:     # mitmproxy exits this way when it cannot listen
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException as exc:   # a sentence, never a traceback
                print(f"watercooler proxy: worker failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.pid = pid
        self.returncode: int | None = None
        self._ended = asyncio.get_running_loop().create_future()
        self._pidfd = os.pidfd_open(pid)
        asyncio.get_running_loop().add_reader(self._pidfd, self._reap)

    def _reap(self) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._pidfd)
        os.close(self._pidfd)
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        if not self._ended.done():
            self._ended.set_result(self.returncode)

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)

    def send_signal(self, number: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
