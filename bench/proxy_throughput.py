"""Proxy throughput on loopback, side by side, as ratios: what Watercooler costs over bare mitmproxy.

    .venv/bin/python bench/proxy_throughput.py [--clients 16] [--rounds 9] [--seconds 4]

0. control: bare `mitmdump` vs another bare `mitmdump` — the method's own spread        expect 1.00
1. plain HTTP through `watercooler proxy` (sample rules) vs bare `mitmdump`              target >= 0.95
   (1b. the same with the addon loaded as a script, `mitmdump -s`)
2. allowed HTTPS through Watercooler (tunnelled) vs `mitmdump --ignore-hosts .*`          target >= 0.95
3. allowed HTTPS through Watercooler: tunnelled vs intercepted (a read-only site) — why we decide first

The two proxies of a comparison run side by side: in every round both get `--clients` keep-alive
clients of their own during the same seconds, pinned to the same CPU core (clients and origins run on
the other cores). Each proxy is a single busy Python thread, so the core is shared evenly and the
ratio of requests answered is the ratio of what a request costs each; a moment when the (virtual)
machine runs slowly slows both alike. The figure is the median of the per-round ratios. Stops by
itself; needs no network beyond 127.0.0.1.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.loopback_load import cpu_seconds, load_main, split_cpus, start_origin  # noqa: E402
from tests.support.net import free_port, poll, port_open  # noqa: E402
from tests.support.tls_certs import make_pki  # noqa: E402

MITMDUMP = Path(sys.executable).with_name("mitmdump")
WATERCOOLER = Path(sys.executable).with_name("watercooler")
READY = "Watercooler is enforcing"
BENCH_RULES = """version: 1
timezone: UTC
categories: {bench: {label: Bench}}
sites: {readonly: {label: Read-only bench site, category: bench, domains: [ro.example]}}
rules: [{name: bench-read-only, sites: [readonly], action: read-only}]
default: allow
"""


class Proxy:
    """A proxy process on a free port: bare `mitmdump ARGS...`, or `watercooler proxy` (`command="watercooler"`)."""

    def __init__(self, workdir: Path, args: list[str], ready_text: str | None = None, command: str = "mitmdump",
                 cpus: set[int] | None = None) -> None:
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
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        with open(self.log, "wb") as output:     # the proxy writes to its own copy of the descriptor
            self.process = subprocess.Popen(line, stdout=output, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                                            preexec_fn=pin)
        poll(lambda: port_open(self.port) and (not ready_text or ready_text in self.log.read_text()), timeout=60,
             what="the proxy to start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def one_round(pair: list[Proxy], targets: list[list[tuple[str, int]]], mode: str,
              seconds: float) -> list[tuple[float, float]]:
    """(requests/s, proxy CPU seconds per request) of each proxy, both loaded in the same window."""
    queues = [multiprocessing.Queue() for _ in pair]
    start = time.time() + 0.5                                  # clients connect (and shake hands) before
    cpu = [cpu_seconds(proxy.process.pid) for proxy in pair]
    workers = [multiprocessing.Process(target=load_main, args=(proxy.port, t, mode, start, start + seconds, q))
               for proxy, t, q in zip(pair, targets, queues, strict=True)]
    for worker in workers:
        worker.start()
    answered = [queue.get(timeout=seconds + 120) for queue in queues]
    for worker in workers:
        worker.join(timeout=30)
    used = [cpu_seconds(proxy.process.pid) - before for proxy, before in zip(pair, cpu, strict=True)]
    return [(n / seconds, spent / max(n, 1)) for n, spent in zip(answered, used, strict=True)]


def compare(name: str, a: Proxy, b: Proxy, targets_a, targets_b, mode: str, args, target: float | None) -> float:
    """A against B, side by side, `args.rounds` times; prints and returns the median ratio A/B."""
    one_round([a, b], [targets_a, targets_b], mode, 1.0)                       # warm up (certificates, caches)
    rounds = []
    for number in range(args.rounds):        # whose clients start first alternates: neither gets a head start
        if number % 2:
            rounds.append(one_round([b, a], [targets_b, targets_a], mode, args.seconds)[::-1])
        else:
            rounds.append(one_round([a, b], [targets_a, targets_b], mode, args.seconds))
    ratios = [ra[0] / rb[0] for ra, rb in rounds]
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(rb[1] / ra[1] for ra, rb in rounds)         # B's cost over A's, as throughput
    rate_a, rate_b = (statistics.median(r[i][0] for r in rounds) for i in (0, 1))
    cpu_a, cpu_b = (statistics.median(r[i][1] for r in rounds) for i in (0, 1))
    verdict = "" if target is None else f"  (target >= {target:.2f}: {'met' if ratio >= target else 'MISSED'})"
    print(f"{name}:\n   throughput {rate_a:,.0f} vs {rate_b:,.0f} requests/s side by side "
          f"-> ratio {ratio:.2f}{verdict}\n"
          f"   rounds: {', '.join(f'{r:.2f}' for r in ratios)}\n"
          f"   proxy CPU per request {cpu_a * 1e6:,.0f} vs {cpu_b * 1e6:,.0f} us -> ratio {cpu_ratio:.2f}",
          flush=True)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="keep-alive clients per proxy")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of a round")
    args = parser.parse_args()
    cpus = split_cpus()
    proxy_cpus = cpus[0] if cpus else None
    if cpus:
        os.sched_setaffinity(0, cpus[1])                      # clients and origins inherit this
    workdir = Path(tempfile.mkdtemp(prefix="wc-bench-"))
    pki = make_pki(workdir / "pki", ["ro.example", "open.example"])
    origins, ports = [], {}
    for kind in ("http", "https"):
        origin, ports[kind] = start_origin(args.clients, str(pki.cert_pem), str(pki.key_pem), kind == "https")
        origins.append(origin)
    bench_rules = workdir / "bench-rules"
    bench_rules.mkdir()
    (bench_rules / "bench.yaml").write_text(BENCH_RULES)
    mapped = [f"--set=watercooler_map_hosts={kind}{i}.{domain}:443=127.0.0.1:{port}"
              for i, port in enumerate(ports["https"]) for kind, domain in (("t", "open.example"), ("r", "ro.example"))]
    direct = {kind: [("127.0.0.1", port) for port in ports[kind]] for kind in ports}
    # A CONNECT must name its site to be tunnelled (a bare address is intercepted): "localhost" is a
    # name both proxies can resolve without the test-only host map.
    named = [("localhost", port) for port in ports["https"]]
    proxies: list[Proxy] = []

    def start(extra: list[str], ready_text: str | None = None, command: str = "mitmdump") -> Proxy:
        proxies.append(Proxy(workdir, extra, ready_text, command, proxy_cpus))
        return proxies[-1]

    def script(rules: Path, extra: list[str] = ()) -> Proxy:
        """Watercooler loaded the mitmproxy way: `mitmdump -s proxy_addons/watercooler.py`."""
        return start(["-s", str(REPO / "proxy_addons" / "watercooler.py"), "--set", f"watercooler_rules={rules}",
                      "--set", "connection_strategy=lazy", *extra], READY)

    try:
        where = (f"both proxies on CPU {min(proxy_cpus)}, clients and origins on the others" if cpus
                 else "one CPU: proxies, clients and origins share it")
        print(f"{args.clients} keep-alive clients per proxy; the two proxies of a comparison side by side ({where}); "
              f"median of {args.rounds} rounds of {args.seconds:.0f} s; loopback only", flush=True)
        bare, bare_too = start([]), start([])
        compare("0. control: bare mitmdump vs bare mitmdump", bare, bare_too, direct["http"], direct["http"], "http",
                args, None)
        sample = start(["--rules", str(REPO / "rules")], READY, command="watercooler")
        compare("1. plain HTTP, Watercooler (watercooler proxy, sample rules) vs bare mitmdump", sample, bare,
                direct["http"], direct["http"], "http", args, 0.95)
        as_script = script(REPO / "rules")
        compare("1b. plain HTTP, Watercooler as a script (mitmdump -s) vs bare mitmdump", as_script, bare,
                direct["http"], direct["http"], "http", args, None)
        ignoring = start(["--ignore-hosts", ".*"])
        compare("2. allowed HTTPS, Watercooler (tunnelled) vs mitmdump --ignore-hosts", sample, ignoring,
                named, named, "https", args, 0.95)
        tunnelling, intercepting = script(bench_rules, mapped), script(bench_rules, mapped)
        compare("3. allowed HTTPS through Watercooler, tunnelled vs intercepted", tunnelling, intercepting,
                [(f"t{i}.open.example", 443) for i in range(args.clients)],
                [(f"r{i}.ro.example", 443) for i in range(args.clients)], "https", args, None)
    finally:
        for proxy in proxies:
            proxy.stop()
        for origin in origins:
            origin.terminate()


if __name__ == "__main__":
    main()
