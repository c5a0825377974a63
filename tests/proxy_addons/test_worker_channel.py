"""A worker's line to its supervisor: it says `ready`, publishes each Continue pressed on it, takes those
pressed elsewhere (the site holds, the token is spent here too), ignores garbage, and stops the worker
when the supervisor is gone."""
from __future__ import annotations

import asyncio
import json
import socket
from datetime import datetime, timedelta, timezone

from proxy_addons.enforcing.continued import ContinuedState
from proxy_addons.enforcing.tokens import TokenRefused, TokenSigner
from proxy_addons.worker_channel import WorkerChannel

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


def test_continues_go_both_ways_and_a_lost_supervisor_stops_the_worker():
    async def scenario():
        continued, signer, lost = ContinuedState(), TokenSigner(b"s" * 32), asyncio.Event()
        ours, theirs = socket.socketpair()
        channel = WorkerChannel(theirs.detach(), continued, lambda: signer, lambda: NOW, lost.set)
        running = asyncio.create_task(channel.run())
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        assert json.loads(await asyncio.wait_for(reader.readline(), 5)) == {"ready": True}

        continued.remember("user:alice", "video-nudge", "youtube", NOW, 60, nonce="n1", expires=99)
        sent = json.loads(await asyncio.wait_for(reader.readline(), 5))
        assert sent == {"continued": ["user:alice", "video-nudge", "youtube", (NOW + timedelta(hours=1)).isoformat()],
                        "nonce": ["n1", 99]}

        token = signer.issue("user:bob", "youtube", "video-nudge", NOW)
        nonce = json.loads(__import__("base64").urlsafe_b64decode(token.split(".")[0] + "=="))["nonce"]
        writer.write(b"garbage\n" + json.dumps({"continued": ["user:bob", "video-nudge", "youtube",
                                                              (NOW + timedelta(minutes=30)).isoformat()],
                                                "nonce": [nonce, int(NOW.timestamp()) + 600]}).encode() + b"\n")
        await writer.drain()
        writer.close()                                   # the supervisor is gone
        await asyncio.wait_for(lost.wait(), 5)
        await running
        assert continued.is_continued("user:bob", "video-nudge", "youtube", NOW + timedelta(minutes=29))
        assert not continued.is_continued("user:bob", "video-nudge", "youtube", NOW + timedelta(minutes=31))
        try:
            signer.redeem(token, "user:bob", "youtube", "video-nudge", NOW)
        except TokenRefused as refused:
            assert "already been used" in str(refused)
        else:
            raise AssertionError("a token spent on another worker was honoured")
        assert continued.published is None
    asyncio.run(scenario())
