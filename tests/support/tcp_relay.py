"""A TCP relay the test controls, between a client (the usage writer) and a server (PostgreSQL).

`cut()` drops every open connection and refuses new ones, as a database going away does; `restore()`
lets traffic through again; `slow(seconds)` delays each chunk the client sends, as a slow database
does; `stall()` keeps every connection open (and accepts new ones) but passes nothing either way
until `resume()`, as a hung database server does. It runs its own asyncio loop on a thread, so tests
call it like a plain object.
"""
from __future__ import annotations

import asyncio
import threading


class TcpRelay:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.delay = 0.0
        self.connections = 0            # accepted while open, for tests that want to see reconnects
        self._cut = False
        self._open: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-relay", daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    def __enter__(self) -> TcpRelay:
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        self.resume()
        self.cut()
        self._server.close()
        self._call(self._server.wait_closed())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def cut(self) -> None:
        """Drop every connection now (RST) and refuse new ones until `restore()`."""
        async def drop():
            self._cut = True
            for writer in list(self._open):
                writer.transport.abort()
        self._call(drop())

    def restore(self) -> None:
        async def allow():
            self._cut = False
        self._call(allow())

    def stall(self) -> None:
        """Hold every byte, both ways, on open and new connections alike, until `resume()`."""
        async def hold():
            self._flowing.clear()
        self._call(hold())

    def resume(self) -> None:
        """Pass what was held, in order, and everything after it."""
        async def release():
            self._flowing.set()
        self._call(release())

    def slow(self, seconds: float) -> None:
        """Delay every chunk from the client by `seconds` (0: full speed)."""
        self.delay = seconds

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut:
            writer.transport.abort()
            return
        await self._flowing.wait()          # stalled: accepted, and then nothing
        if self._cut:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._open.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer, slow=True), self._pipe(up_reader, writer, slow=False),
                             return_exceptions=True)
        self._open.difference_update((writer, up_writer))

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, slow: bool) -> None:
        try:
            while data := await source.read(65536):
                if slow and self.delay:
                    await asyncio.sleep(self.delay)
                await self._flowing.wait()
                if self._cut:
                    break
                sink.write(data)
                await sink.drain()
        finally:
            sink.transport.abort()   # one side gone: the whole connection goes, as with a real outage
