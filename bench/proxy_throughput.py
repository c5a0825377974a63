"""Proxy throughput on loopback, side by side, as ratios: what Watercooler costs over bare mitmproxy.

    .venv/bin/python bench/proxy_throughput.py [--clients 16] [--rounds 9]

1. plain HTTP through `watercooler proxy` (sample rules) vs bare `mitmdump`     target >= 0.95
   (1b. the same with the addons loaded as a script, `mitmdump -s`: the script layers cost a little more)
2. allowed HTTPS through Watercooler (tunnelled) vs `mitmdump --ignore-hosts .*` target >= 0.95
3. allowed HTTPS through Watercooler: tunnelled vs intercepted (a read-only site) — why we decide first

Each client keeps one connection alive and sends a fixed number of requests; the origin answers from
another process on 16 loopback ports (mitmproxy allows 5 connections per server address). Each figure
is the median ratio of `--rounds` back-to-back pairs of runs. Stops by itself; needs no network beyond
127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.support.net import free_port, poll, port_open  # noqa: E402
from tests.support.tls_certs import make_pki  # noqa: E402

MITMDUMP = Path(sys.executable).with_name("mitmdump")
WATERCOOLER = Path(sys.executable).with_name("watercooler")
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
BENCH_RULES = """version: 1
timezone: UTC
categories: {bench: {label: Bench}}
sites: {readonly: {label: Read-only bench site, category: bench, domains: [ro.example]}}
rules: [{name: bench-read-only, sites: [readonly], action: read-only}]
default: allow
"""


# --- origin: answers "ok" on many ports, plain or TLS -----------------------------------------------
async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    writer.close()


def origin_main(ports: list[int], cert: str, key: str, tls: bool, ready) -> None:
    async def main() -> None:
        context = None
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
        for port in ports:
            await asyncio.start_server(_answer, "127.0.0.1", port, ssl=context, backlog=256)
        ready.set()
        await asyncio.Event().wait()
    asyncio.run(main())


# --- clients: keep-alive, raw HTTP/1.1 ----------------------------------------------------------------
async def one_client(proxy: int, host: str, port: int, mode: str, count: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy)
    if mode == "http":
        request = f"GET http://{host}:{port}/ HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    else:
        writer.write(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE   # measuring, not verifying
        await writer.start_tls(context, server_hostname=host)
        request = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    for _ in range(count):
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
    writer.close()


def load_main(proxy: int, targets: list[tuple[str, int]], mode: str, count: int, out) -> None:
    async def main() -> None:
        await asyncio.gather(*(one_client(proxy, host, port, mode, count) for host, port in targets))
    asyncio.run(main())
    out.put(len(targets) * count)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(proxy: "Proxy", targets: list[tuple[str, int]], mode: str, count: int,
            processes: int = 2) -> tuple[float, float]:
    """(requests per second, proxy CPU seconds per request) for all clients together."""
    asyncio.run(one_client(proxy.port, *targets[0], mode, 5))                # warm up (certificates, caches)
    cpu_before = cpu_seconds(proxy.process.pid)
    out = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=load_main, args=(proxy.port, targets[i::processes], mode, count, out))
               for i in range(processes)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    elapsed = time.perf_counter() - started
    done = sum(out.get(timeout=5) for _ in workers)
    return done / elapsed, (cpu_seconds(proxy.process.pid) - cpu_before) / done


# --- proxies -------------------------------------------------------------------------------------------
class Proxy:
    """A proxy process on a free port: bare `mitmdump ARGS...`, or `watercooler proxy` (`command="watercooler"`)."""

    def __init__(self, workdir: Path, args: list[str], ready_text: str | None = None, command: str = "mitmdump") -> None:
        self.port = free_port()
        self.log = workdir / f"proxy-{self.port}.log"
        # Same output settings for every proxy: the start-up lines, never a line per request.
        common = ["--set", "termlog_verbosity=info", "--set", "flow_detail=0", "--set", "ssl_insecure=true"]
        if command == "watercooler":
            line = [str(WATERCOOLER), "proxy", "--listen", f"127.0.0.1:{self.port}",
                    "--confdir", str(workdir / "confdir"), *common, *args]
        else:
            line = [str(MITMDUMP), "--listen-host", "127.0.0.1", "--listen-port", str(self.port),
                    "--set", f"confdir={workdir / 'confdir'}", *common, *args]
        env = {**os.environ, "WATERCOOLER_DATA": str(workdir / f"data-{self.port}")}
        self.process = subprocess.Popen(line, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT, cwd=REPO, env=env)
        poll(lambda: port_open(self.port) and (not ready_text or ready_text in self.log.read_text()), timeout=60,
             what="the proxy to start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


READY = "Watercooler is enforcing"


def script(workdir: Path, rules: Path, extra: list[str] = ()) -> Proxy:
    """Watercooler loaded the mitmproxy way: `mitmdump -s proxy_addons/watercooler.py`."""
    return Proxy(workdir, ["-s", str(REPO / "proxy_addons" / "watercooler.py"), "--set", f"watercooler_rules={rules}",
                           "--set", "connection_strategy=lazy", *extra], READY)


def compare(name: str, a: Proxy, b: Proxy, targets_a, targets_b, mode: str, count: int, rounds: int,
            target: float | None) -> None:
    """Run A and B back to back, `rounds` times, alternating who goes first.

    Two figures: the throughput ratio (median of the per-round ratios: a busy moment on the machine
    spoils one pair of runs, not the figure), and the ratio of the proxies' CPU time per request (B/A),
    which is what throughput comes to when the proxy is the bottleneck, and which other work on the
    machine barely disturbs.
    """
    ratios, a_runs, b_runs = [], [], []
    for round_ in range(rounds):
        if round_ % 2:
            b_runs.append(measure(b, targets_b, mode, count))
            a_runs.append(measure(a, targets_a, mode, count))
        else:
            a_runs.append(measure(a, targets_a, mode, count))
            b_runs.append(measure(b, targets_b, mode, count))
        ratios.append(a_runs[-1][0] / b_runs[-1][0])
    ratio = statistics.median(ratios)
    cpu_a, cpu_b = (statistics.median(run[1] for run in runs) for runs in (a_runs, b_runs))
    verdict = "" if target is None else f"  (target >= {target:.2f}: {'met' if ratio >= target else 'MISSED'})"
    print(f"{name}:\n   throughput {statistics.median(r[0] for r in a_runs):,.0f} vs "
          f"{statistics.median(r[0] for r in b_runs):,.0f} requests/s -> ratio {ratio:.2f}{verdict}\n"
          f"   rounds: {', '.join(f'{r:.2f}' for r in ratios)}\n"
          f"   proxy CPU per request {cpu_a * 1e6:,.0f} vs {cpu_b * 1e6:,.0f} us -> ratio {cpu_b / cpu_a:.2f}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wc-bench-"))
    pki = make_pki(workdir / "pki", ["ro.example", "open.example"])
    ports = {kind: [free_port() for _ in range(args.clients)] for kind in ("http", "https")}
    ready = [multiprocessing.Event(), multiprocessing.Event()]
    origins = [multiprocessing.Process(target=origin_main, daemon=True,
                                       args=(ports[kind], str(pki.cert_pem), str(pki.key_pem), kind == "https", ev))
               for kind, ev in zip(("http", "https"), ready)]
    for origin in origins:
        origin.start()
    for event in ready:
        event.wait(30)
    bench_rules = workdir / "bench-rules"
    bench_rules.mkdir()
    (bench_rules / "bench.yaml").write_text(BENCH_RULES)
    mapped = [f"--set=watercooler_map_hosts={kind}{i}.{domain}:443=127.0.0.1:{port}"
              for i, port in enumerate(ports["https"]) for kind, domain in (("t", "open.example"), ("r", "ro.example"))]
    direct = {kind: [("127.0.0.1", port) for port in ports[kind]] for kind in ports}
    proxies: list[Proxy] = []
    try:
        print(f"{args.clients} keep-alive clients, median of {args.rounds} back-to-back rounds, loopback only",
              flush=True)
        bare, ignoring = Proxy(workdir, []), Proxy(workdir, ["--ignore-hosts", ".*"])
        sample = Proxy(workdir, ["--rules", str(REPO / "rules")], READY, command="watercooler")
        as_script, bench = script(workdir, REPO / "rules"), script(workdir, bench_rules, mapped)
        proxies = [bare, ignoring, sample, as_script, bench]
        compare("1. plain HTTP, Watercooler (watercooler proxy, sample rules) vs bare mitmdump", sample, bare,
                direct["http"], direct["http"], "http", 150, args.rounds, 0.95)
        compare("1b. plain HTTP, Watercooler as a script (mitmdump -s) vs bare mitmdump", as_script, bare,
                direct["http"], direct["http"], "http", 150, args.rounds, None)
        compare("2. allowed HTTPS, Watercooler (tunnelled) vs mitmdump --ignore-hosts", sample, ignoring,
                direct["https"], direct["https"], "https", 1500, args.rounds, 0.95)
        compare("3. allowed HTTPS through Watercooler, tunnelled vs intercepted", bench, bench,
                [(f"t{i}.open.example", 443) for i in range(args.clients)],
                [(f"r{i}.ro.example", 443) for i in range(args.clients)], "https", 300, args.rounds, None)
    finally:
        for proxy in proxies:
            proxy.stop()
        for origin in origins:
            origin.terminate()


if __name__ == "__main__":
    main()
