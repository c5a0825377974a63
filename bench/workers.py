"""Proxy workers on loopback: what `watercooler proxy --workers 2` gains over one process, as ratios.

    .venv/bin/python bench/workers.py [--clients 16] [--rounds 7] [--seconds 4]

1. plain HTTP: one forked worker (of a `--workers 2` set) vs a single `watercooler proxy`, side by side
   on one core, as bench/proxy_throughput.py compares                                  target >= 0.95
2. plain HTTP: `--workers 2` (clients spread over both ports, as the PAC file spreads them) vs
   `--workers 1`, each alone on the whole machine, in alternating rounds                target >= 1.70
3. allowed HTTPS (tunnelled): the same as 2                                             target >= 1.70

Scaling cannot be measured side by side (both would share the cores it is about), so rows 2 and 3 run
the two set-ups one after the other, alternating which goes first, and take the median of the per-pair
ratios; clients and origins share the machine with the proxies, as they would not in production, so the
ratio is a floor. Sample rules, usage in SQLite in a temporary folder; needs no network beyond 127.0.0.1.
"""
from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.loopback_load import cpu_seconds, load_main, split_cpus, start_origin  # noqa: E402
from tests.support.net import free_ports, poll, port_open  # noqa: E402

WATERCOOLER = Path(sys.executable).with_name("watercooler")
READY = "Watercooler is enforcing"


class Workers:
    """`watercooler proxy --workers N` (N=1: one plain process) on N consecutive free ports."""

    def __init__(self, workdir: Path, count: int, cpus: set[int] | None = None) -> None:
        first = free_ports(count)
        self.ports = [first + index for index in range(count)]
        self.log = workdir / f"workers-{self.ports[0]}.log"
        line = [str(WATERCOOLER), "proxy", "--rules", str(REPO / "rules"), "--listen", f"127.0.0.1:{self.ports[0]}",
                "--workers", str(count), "--confdir", str(workdir / "confdir"),
                "--set", "termlog_verbosity=info", "--set", "flow_detail=0"]
        env = {**os.environ, "WATERCOOLER_DATA": str(workdir / f"data-{self.ports[0]}")}
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        with open(self.log, "wb") as log:           # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(line, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                                            preexec_fn=pin)
        poll(lambda: all(port_open(port) for port in self.ports) and self.log.read_text().count(READY) >= count,
             timeout=90, what="the workers to start")

    def cpu(self) -> float:
        """CPU seconds used so far by the proxy processes: the process itself and its forked workers."""
        pids = [self.process.pid] + [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()
                                     and _parent(entry) == self.process.pid]
        total = 0.0
        for pid in pids:
            with contextlib.suppress(OSError):    # ended meanwhile
                total += cpu_seconds(pid)
        return total

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def window(loads: list[tuple[int, list[tuple[str, int]]]], mode: str, seconds: float) -> list[float]:
    """Requests/s answered through each (proxy port, targets) during one shared window."""
    queues: list[multiprocessing.Queue] = [multiprocessing.Queue() for _ in loads]
    start = time.time() + 0.5
    clients = [multiprocessing.Process(target=load_main, args=(port, targets, mode, start, start + seconds, queue))
               for (port, targets), queue in zip(loads, queues, strict=True)]
    for client in clients:
        client.start()
    answered = [queue.get(timeout=seconds + 120) for queue in queues]
    for client in clients:
        client.join(timeout=30)
    return [count / seconds for count in answered]


def spread(workers: Workers, targets: list[tuple[str, int]]) -> list[tuple[int, list[tuple[str, int]]]]:
    """The clients dealt over the workers' ports, one load process per port."""
    count = len(workers.ports)
    return [(port, targets[index::count]) for index, port in enumerate(workers.ports)]


def side_by_side(name: str, a: int, b: int, targets, args, target: float) -> None:
    window([(a, targets), (b, targets)], "http", 1.0)                       # warm up
    ratios, rates = [], []
    for number in range(args.rounds):
        pair = [(a, targets), (b, targets)] if number % 2 == 0 else [(b, targets), (a, targets)]
        got = window(pair, "http", args.seconds)
        got = got if number % 2 == 0 else got[::-1]
        ratios.append(got[0] / got[1])
        rates.append(got)
    report(name, ratios, rates, target)


def one_after_other(name: str, two: Workers, one: Workers, targets, mode: str, args, target: float) -> None:
    for setup in (two, one):
        window(spread(setup, targets), mode, 1.0)                          # warm up
    ratios: list[float] = []
    rates: list[list[float]] = []
    cores: dict[int, list[float]] = {id(two): [], id(one): []}        # proxy CPU seconds per second of the window
    per_cpu: dict[int, list[float]] = {id(two): [], id(one): []}      # requests per proxy CPU second
    for number in range(args.rounds):
        order = (two, one) if number % 2 == 0 else (one, two)
        got = {}
        for setup in order:
            before = setup.cpu()
            got[id(setup)] = sum(window(spread(setup, targets), mode, args.seconds))
            used = setup.cpu() - before            # the window plus its half-second start and the clients' close
            cores[id(setup)].append(used / (args.seconds + 0.5))
            per_cpu[id(setup)].append(got[id(setup)] * args.seconds / max(used, 1e-9))
        ratios.append(got[id(two)] / got[id(one)])
        rates.append([got[id(two)], got[id(one)]])
    report(name, ratios, rates, target)
    median = statistics.median
    print(f"   cores the proxies got: {median(cores[id(two)]):.2f} vs {median(cores[id(one)]):.2f}; requests per "
          f"proxy CPU second: {median(per_cpu[id(two)]):,.0f} vs {median(per_cpu[id(one)]):,.0f}", flush=True)


def report(name: str, ratios: list[float], rates: list[list[float]], target: float) -> None:
    ratio = statistics.median(ratios)
    rate_a, rate_b = (statistics.median(r[i] for r in rates) for i in (0, 1))
    print(f"{name}:\n   throughput {rate_a:,.0f} vs {rate_b:,.0f} requests/s -> ratio {ratio:.2f}  "
          f"(target >= {target:.2f}: {'met' if ratio >= target else 'MISSED'})\n"
          f"   rounds: {', '.join(f'{r:.2f}' for r in ratios)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="keep-alive clients in all")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of a round")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wc-bench-workers-"))
    from tests.support.tls_certs import make_pki
    pki = make_pki(workdir / "pki", ["localhost"])
    origins, ports = [], {}
    for kind in ("http", "https"):
        origin, ports[kind] = start_origin(args.clients, str(pki.cert_pem), str(pki.key_pem), kind == "https")
        origins.append(origin)
    plain = [("127.0.0.1", port) for port in ports["http"]]
    named = [("localhost", port) for port in ports["https"]]      # a named CONNECT is tunnelled
    cpus = split_cpus()
    started: list[Workers] = []
    try:
        print(f"{args.clients} keep-alive clients; {os.cpu_count()} CPUs; median of {args.rounds} rounds of "
              f"{args.seconds:.0f} s; loopback only", flush=True)
        if cpus:                                  # row 1: both on one core, clients on the other
            os.sched_setaffinity(0, cpus[1])
            pinned_two, single = Workers(workdir, 2, cpus[0]), Workers(workdir, 1, cpus[0])
            started += [pinned_two, single]
            side_by_side("1. plain HTTP, one worker of --workers 2 vs a single process (side by side, one core)",
                         pinned_two.ports[0], single.ports[0], plain, args, 0.95)
            for setup in (pinned_two, single):
                setup.stop()
            started.clear()
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        two, one = Workers(workdir, 2), Workers(workdir, 1)
        started += [two, one]
        one_after_other("2. plain HTTP, --workers 2 vs --workers 1 (whole machine, one after the other)",
                        two, one, plain, "http", args, 1.70)
        one_after_other("3. allowed HTTPS (tunnelled), --workers 2 vs --workers 1 (whole machine, one after the other)",
                        two, one, named, "https", args, 1.70)
    finally:
        for setup in started:
            setup.stop()
        for origin in origins:
            origin.terminate()


if __name__ == "__main__":
    main()
