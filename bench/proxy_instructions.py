"""Instructions per plain HTTP request on the proxy's event loop, counted by callgrind: bare mitmdump vs Watercooler.

    .venv/bin/python bench/proxy_instructions.py [--clients 16] [--requests 20] [--older DIR]

Wall-clock ratios (`proxy_throughput.py`) move with the machine; an instruction count does not. Each
proxy runs under `valgrind --tool=callgrind` with counting off until its `--clients` keep-alive
connections are open and warm; then every client sends `--requests` requests, and only those are
counted, per thread. The figure is the event loop's (main thread's) count per request, less what
that thread does per second when idle (the rules, overrides and directory watchers) times the
seconds the load took. Python's cyclic garbage collector is switched off in the proxy: when a full
collection falls inside a few hundred requests it adds several per cent to one run and none to the
next (bench/README.md gives the collector's share, measured apart).
`--older DIR` also counts `watercooler proxy` from another checkout (its code on PYTHONPATH).
Needs valgrind (`apt-get install valgrind`). Takes a few minutes per proxy; no network beyond 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.loopback_load import start_origin  # noqa: E402
from tests.support.net import free_port, poll, port_open  # noqa: E402

BIN = Path(sys.executable).parent
READY = "Watercooler is enforcing"
# Runs the proxy's entry point with the cyclic garbage collector off.
RUNNER = """import gc, runpy, sys
gc.disable()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


async def _load(port: int, origins: list[int], requests: int, before, after) -> float:
    """Warm keep-alive connections, then `requests` on each between `before()` and `after()`; seconds taken."""
    connections = []
    for origin in origins:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = f"GET http://127.0.0.1:{origin}/ HTTP/1.1\r\nHost: 127.0.0.1:{origin}\r\n\r\n".encode()
        connections.append((reader, writer, head))

    async def ask(reader, writer, head, count: int) -> None:
        for _ in range(count):
            writer.write(head)
            answer = await reader.readuntil(b"\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 200"), answer
            await reader.readexactly(int(answer.lower().split(b"content-length:")[1].split(b"\r\n")[0]))

    await asyncio.gather(*(ask(*c, 2) for c in connections))
    await asyncio.sleep(3)
    before()
    started = time.monotonic()
    await asyncio.gather(*(ask(*c, requests) for c in connections))
    took = time.monotonic() - started
    after()
    for _, writer, _ in connections:
        writer.close()
    return took


def _command(kind: str, tree: Path, port: int, work: Path) -> list[str]:
    common = ["--set", "termlog_verbosity=info", "--set", "flow_detail=0"]
    if kind == "bare":
        return [str(BIN / "mitmdump"), "--listen-host", "127.0.0.1", "--listen-port", str(port),
                "--set", f"confdir={work / 'confdir'}", *common]
    return [str(BIN / "watercooler"), "proxy", "--listen", f"127.0.0.1:{port}", "--confdir", str(work / "confdir"),
            "--rules", str(tree / "rules"), *common]


def _totals(work: Path, pid: int) -> dict[str, dict[int, int]]:
    """{dump name: {thread: instructions}} from callgrind's per-thread dump files."""
    found: dict[str, dict[int, int]] = {}
    for path in work.glob(f"cg.{pid}*"):
        text = path.read_text(errors="replace")
        name = re.search(r"^desc: Trigger: dump (\w+)", text, re.M)
        thread = re.search(r"^thread: (\d+)", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if name and total:
            found.setdefault(name[1], {})[int(thread[1]) if thread else 1] = int(total[1])
    return found


def count(kind: str, tree: Path, origins: list[int], args) -> tuple[float, float]:
    """(event-loop instructions per request, other threads' per request) for one proxy."""
    work = Path(tempfile.mkdtemp(prefix="wc-instructions-"))
    port = free_port()
    runner = work / "runner.py"
    runner.write_text(RUNNER)
    line = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
            f"--callgrind-out-file={work}/cg.%p", sys.executable, str(runner), *_command(kind, tree, port, work)]
    env = {**os.environ, "WATERCOOLER_DATA": str(work / "data"), "PYTHONPATH": str(tree)}
    log = work / "proxy.log"
    with open(log, "wb") as output:
        proxy = subprocess.Popen(line, stdout=output, stderr=subprocess.STDOUT, cwd=tree, env=env)
    try:
        poll(lambda: port_open(port) and (kind == "bare" or READY in log.read_text(errors="replace")), timeout=600,
             what="the proxy to start under valgrind")

        def control(*what: str) -> None:
            subprocess.run(["callgrind_control", *what, str(proxy.pid)], check=True, capture_output=True)

        control("-i", "on")
        took = asyncio.run(_load(port, origins, args.requests, lambda: control("--zero"),
                                 lambda: control("--dump=load")))
        time.sleep(20)                                    # connections close; then the idle share
        control("--zero")
        time.sleep(20)
        control("--dump=idle")
    finally:
        proxy.terminate()
        proxy.wait(timeout=300)
    dumps = _totals(work, proxy.pid)
    main_idle = min(dumps["idle"].items())[1] / 20
    main_load = min(dumps["load"].items())[1]
    others = sum(dumps["load"].values()) - main_load
    requests = args.requests * len(origins)
    return (main_load - main_idle * took) / requests, others / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="keep-alive clients")
    parser.add_argument("--requests", type=int, default=20, help="counted requests per client")
    parser.add_argument("--older", type=Path, help="another checkout whose `watercooler proxy` is counted too")
    args = parser.parse_args()
    origin, origins = start_origin(args.clients)
    proxies = [("bare mitmdump", "bare", REPO), ("watercooler proxy", "wc", REPO)]
    if args.older:
        proxies.append((f"watercooler proxy ({args.older})", "wc", args.older.resolve()))
    try:
        print(f"{args.clients} keep-alive clients x {args.requests} plain HTTP requests, counted by callgrind; "
              f"garbage collector off", flush=True)
        bare = None
        for name, kind, tree in proxies:
            loop, others = count(kind, tree, origins, args)
            bare = bare or loop
            versus = "" if loop is bare else f"  ({loop / bare - 1:+.1%} vs bare, ratio {bare / loop:.3f})"
            print(f"{name}: event loop {loop / 1e6:.3f} M instructions per request{versus}; "
                  f"other threads {others / 1e6:.3f} M", flush=True)
    finally:
        origin.terminate()


if __name__ == "__main__":
    main()
