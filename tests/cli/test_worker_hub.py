"""The supervisor's relay: a Continue from one worker reaches every other one (never back), and a worker
started later is told the Continues still kept; `ready` is heard; lines that are not Continues go nowhere."""
from __future__ import annotations

import asyncio
import json
import socket

from cli.worker_hub import Hub


def continue_line(identity: str, until: str = "2026-11-26T11:00:00+01:00") -> bytes:
    return json.dumps({"continued": [identity, "video-nudge", "youtube", until], "nonce": ["n-" + identity, 1]}
                      ).encode() + b"\n"


RELAYS: set[asyncio.Task] = set()


async def attach(hub: Hub, index: int, readies: list[int]):
    ours, theirs = socket.socketpair()
    reader, writer = await asyncio.open_unix_connection(sock=ours)
    RELAYS.add(asyncio.create_task(hub.serve(index, reader, writer, lambda: readies.append(index))))
    return await asyncio.open_unix_connection(sock=theirs)


def test_continues_are_relayed_to_the_others_and_kept_for_later_workers():
    async def scenario():
        hub, readies = Hub(), []
        (a_in, a_out), (b_in, b_out) = await attach(hub, 0, readies), await attach(hub, 1, readies)
        a_out.write(b'{"ready": true}\n' + b"not json\n" + continue_line("user:alice"))
        assert await asyncio.wait_for(b_in.readline(), 5) == continue_line("user:alice")
        assert readies == [0]
        b_out.write(continue_line("user:alice", "2026-11-26T12:00:00+01:00"))    # a later one replaces it
        assert await asyncio.wait_for(a_in.readline(), 5) == continue_line("user:alice", "2026-11-26T12:00:00+01:00")
        c_in, _ = await attach(hub, 2, readies)
        assert await asyncio.wait_for(c_in.readline(), 5) == continue_line("user:alice", "2026-11-26T12:00:00+01:00")
        a_out.close()
        await asyncio.wait_for(_until(lambda: 0 not in hub.writers), 5)
    asyncio.run(scenario())


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)    # yields to the hub's tasks; bounded by the caller's wait_for
