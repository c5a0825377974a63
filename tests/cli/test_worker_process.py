"""A forked worker: its exit code (or the signal that ended it) is known to the supervisor's loop."""
from __future__ import annotations

import asyncio
import signal
import sys

from cli.worker_process import ForkedWorker


def test_the_end_of_a_forked_worker_is_known_with_its_code():
    async def scenario():
        ended = ForkedWorker(lambda: 3, [])
        assert await asyncio.wait_for(ended.wait(), 10) == 3
        failing = ForkedWorker(lambda: 1 // 0, [])
        assert await asyncio.wait_for(failing.wait(), 10) == 70
        exiting = ForkedWorker(lambda: sys.exit(1), [])
        assert await asyncio.wait_for(exiting.wait(), 10) == 1
        waiting = ForkedWorker(lambda: signal.pause() or 0, [])
        waiting.kill()
        assert await asyncio.wait_for(waiting.wait(), 10) == -signal.SIGKILL
        assert waiting.returncode == -signal.SIGKILL
    asyncio.run(scenario())
