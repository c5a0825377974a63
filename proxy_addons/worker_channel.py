"""A worker's line to its supervisor (`watercooler proxy --workers N`): readiness, and Continues shared.

The supervisor hands each worker one end of a Unix socket pair (`watercooler_worker_channel`, a file
descriptor number). The worker says `ready` once it listens, sends every Continue pressed on it, and
takes those pressed on the other workers (and, after a restart, those still held), so a Continue holds
whichever worker a browser reaches, and its token is spent on all of them. One JSON object a line,
read and written on the proxy's loop without blocking. When the supervisor is gone the worker stops:
its port would otherwise stay taken by a process nobody watches.
"""
from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

logger = logging.getLogger("watercooler.workers")
MAX_LINE = 64 * 1024


class WorkerChannel:
    def __init__(self, fd: int, continued: Any, signer: Callable[[], Any], now: Callable[[], datetime],
                 on_lost: Callable[[], None]) -> None:
        self.fd = fd
        self.continued = continued
        self.signer = signer             # the current TokenSigner (a secret change replaces it)
        self.now = now                   # the policy clock
        self.on_lost = on_lost
        self.writer: asyncio.StreamWriter | None = None

    async def run(self) -> None:
        reader, self.writer = await asyncio.open_unix_connection(sock=socket.socket(fileno=self.fd), limit=MAX_LINE)
        self.continued.published = self.publish
        self._send({"ready": True})
        try:
            while line := await reader.readline():
                self.receive(line)
        except (OSError, ValueError) as exc:      # ValueError: a line over MAX_LINE
            logger.warning("the line to the supervisor failed (%s: %s)", type(exc).__name__, exc)
        finally:
            self.continued.published = None
            self.writer.close()
        logger.warning("the supervisor of this worker is gone: stopping")
        self.on_lost()

    def publish(self, identity: str, rule: str, site: str, until: datetime, nonce: str, expires: int) -> None:
        self._send({"continued": [identity, rule, site, until.isoformat()], "nonce": [nonce, expires]})

    def receive(self, line: bytes) -> None:
        try:
            message = json.loads(line)
            identity, rule, site, until = message["continued"]
            nonce, expires = message["nonce"]
            self.continued.merge(str(identity), str(rule), str(site), datetime.fromisoformat(until), now=self.now())
            self.signer().mark_used(str(nonce), int(expires))
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignored a line from the supervisor that is not a Continue (%s)", type(exc).__name__)

    def _send(self, message: dict) -> None:
        if self.writer is not None and not self.writer.is_closing():
            self.writer.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
