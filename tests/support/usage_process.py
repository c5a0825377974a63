"""A small writer process: a `DatabaseUsageSink` driven over stdin, to kill and restart for real.

Run as `python -m tests.support.usage_process URL DATA NODE [MAX_DELAY]`. Each stdin line is a JSON
command ({"op": "minutes" | "attempts" | "used" | "flush" | "refresh" | "status", ...}); each answer
is one JSON line. SIGTERM closes the sink as the proxy's shutdown does, then exits 0.
`UsageProcess` is the test side: start it, send commands, signal it.
"""
from __future__ import annotations

import faulthandler
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    from storage.writer.sink import DatabaseUsageSink
    url, data, node = sys.argv[1:4]
    sink = DatabaseUsageSink(url, data=Path(data), node=node,
                             max_delay=float(sys.argv[4]) if len(sys.argv) > 4 else 0.05)

    def terminate(signum, frame):
        raise _Terminated       # closing runs below, in the main flow, not inside the signal handler

    # A writer that hangs prints every thread's stack when the test side gives up waiting for it.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    signal.signal(signal.SIGTERM, terminate)
    try:
        _answer({"ready": sink.node.node_id})
        for line in sys.stdin:
            command = json.loads(line)
            _answer(_run(sink, command))
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sink.close()
        _answer({"closed": sink.status()})
        sys.exit(0)


class _Terminated(Exception):
    """SIGTERM arrived: close the sink as the proxy's shutdown does."""


def _run(sink, command: dict) -> dict:
    op = command["op"]
    if op == "minutes":
        start = datetime.fromisoformat(command["start"])
        for i in range(command["count"]):
            sink.minute(command["user"], command.get("site", "facebook"), "external-social",
                        start + timedelta(minutes=i), command.get("quota_rule"))
        return {"ok": command["count"]}
    if op == "attempts":
        for _ in range(command["count"]):
            sink.attempt(command["user"], command.get("site", "facebook"), command.get("rule"),
                         command.get("kind", "blocked"), datetime.fromisoformat(command["at"]))
        return {"ok": command["count"]}
    if op == "used":
        return {"used": sink.used_minutes(command["user"], command["rule"],
                                          datetime.fromisoformat(command["start"]))}
    if op == "flush":
        return {"flushed": sink.flush(command.get("timeout", 30))}
    if op == "refresh":
        sink.quotas.refresh()
        return {"ok": True}
    return {"status": sink.status()}


def _answer(value: dict) -> None:
    print(json.dumps(value), flush=True)


class UsageProcess:
    def __init__(self, url: str, data: Path, node: str, max_delay: float = 0.05) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.usage_process", url, str(data), node, str(max_delay)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        self.node = self.read()["ready"]

    def send(self, **command) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def read(self, within: float = 90.0) -> dict:
        """The process's next answer; a process that gives none within `within` s has its stacks printed."""
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(within)
        if reader.is_alive():
            self.proc.send_signal(signal.SIGUSR1)   # faulthandler: every thread's stack to stderr
            raise AssertionError(f"the writer process gave no answer within {within:.0f} s (stacks above)")
        if not got[0]:
            raise AssertionError(f"the writer process ended (exit {self.proc.wait(timeout=10)})")
        return json.loads(got[0])

    def terminate(self) -> dict:
        """SIGTERM, as a service manager stops the proxy; returns the sink's status after closing."""
        self.proc.send_signal(signal.SIGTERM)
        closed = self.read()["closed"]
        assert self.proc.wait(timeout=30) == 0
        return closed

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)

    def __enter__(self) -> UsageProcess:
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            stream.close()


if __name__ == "__main__":
    main()
