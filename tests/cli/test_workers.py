"""`watercooler proxy --workers 2`, for real: one budget per person over both workers, a Continue pressed on
one holds on the other (and on its replacement), and a worker killed with SIGKILL under load is replaced
on its port while the other keeps serving, with no usage minute lost or counted twice."""
from __future__ import annotations

import math
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage.usage.tables import ActiveMinute, QuotaCharge
from tests.proxy_addons.enforcing.test_continue_post import post_continue, warn_page
from tests.support.databases import count_rows, sorted_rows
from tests.support.net import free_ports, poll, port_open
from tests.support.origin import Origin
from tests.support.proxy_clients import Seen, http_via_proxy, proxy_authorization
from tests.support.proxy_env import NAMES, TEST_RULES, edited, write_rules
from tests.support.proxy_process import READY_LINE, ProxyProcess
from tests.support.tls_certs import make_pki

pytestmark = pytest.mark.e2e
MORNING = datetime(2026, 11, 26, 10, 0, tzinfo=timezone(timedelta(hours=1)))
ONE_MINUTE_BUDGET = edited(TEST_RULES, "quota: {minutes: 5, per: day}", "quota: {minutes: 1, per: day}")
BIG_BUDGET = edited(TEST_RULES, "quota: {minutes: 5, per: day}", "quota: {minutes: 600, per: day}")


@dataclass
class Port:
    """One worker as the Continue helpers see a proxy: its port and the CA."""
    port: int
    proxy: ProxyProcess


@dataclass
class Workers:
    proxy: ProxyProcess          # the supervisor; its log holds every worker's lines
    workdir: Path
    anchor: float                # the real time at which the workers' clock reads MORNING
    speed: float

    def port(self, index: int) -> Port:
        return Port(self.proxy.port + index, self.proxy)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.workdir / 'data' / 'watercooler.db'}"

    def worker_pid(self, index: int) -> int | None:
        """The supervisor's child that listens on worker `index`'s port."""
        inode = listening_inode(self.proxy.port + index)
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit() or int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) \
                        != self.proxy.process.pid:
                    continue
                if any(os.readlink(fd) == f"socket:[{inode}]" for fd in (entry / "fd").iterdir()):
                    return int(entry.name)
            except OSError:
                continue
        return None


def listening_inode(port: int) -> str | None:
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":       # 127.0.0.1:port, LISTEN
            return fields[9]
    return None


@pytest.fixture
def workers(tmp_path, request):
    rules, speed = request.param
    pki = make_pki(tmp_path / "pki", NAMES)
    http_origin, https_origin = Origin(), Origin(str(pki.cert_pem), str(pki.key_pem))
    anchor = math.floor(time.time())
    proxy = ProxyProcess(tmp_path, {
        "watercooler_rules": str(write_rules(tmp_path / "rules", rules)),
        "watercooler_map_hosts": [f"*:80=127.0.0.1:{http_origin.port}", f"*:443=127.0.0.1:{https_origin.port}"],
        "ssl_verify_upstream_trusted_ca": str(pki.ca_pem),
        "watercooler_test_clock": f"{MORNING.isoformat()}x{speed}@{anchor}",   # both workers read one clock
        "proxyauth": "any",
    }, program="watercooler", extra_args=["--workers", "2"], port=free_ports(2))
    try:
        poll(lambda: proxy.log().count("is ready (schema") == 2 and port_open(proxy.port + 1), timeout=30,
             what="both workers to be ready")
        yield Workers(proxy, tmp_path, anchor, speed)
    finally:
        proxy.stop()
        http_origin.close()
        https_origin.close()


def reddit(port: int, user: str = "alice") -> Seen:
    auth = "".join(f"{k}: {v}\r\n" for k, v in proxy_authorization((user, "pw")).items())
    return http_via_proxy(port, f"GET http://www.reddit.com/ HTTP/1.1\r\nHost: www.reddit.com\r\n{auth}"
                                f"Connection: close\r\n\r\n".encode())


@pytest.mark.parametrize("workers", [(ONE_MINUTE_BUDGET, 60)], indirect=True)
def test_two_workers_count_one_budget(workers):
    first, second = workers.proxy.port, workers.proxy.port + 1
    assert reddit(first).status == 200                  # alice's one minute, on the first worker
    # A minute of this clock is a second: soon the second worker is asked for a new minute, and the
    # budget it shares with the first has none left.
    blocked = poll(lambda: (seen := reddit(second)).status == 403 and seen, timeout=15,
                   what="the second worker to block alice")
    assert "1 of 1 minutes used today" in blocked.text
    assert reddit(first).status == 403
    assert reddit(second, "bob").status == 200          # a budget is per person
    workers.proxy.stop()
    assert count_rows(workers.db_url, QuotaCharge, user_name="alice", rule="reddit-budget") == 1


@pytest.mark.parametrize("workers", [(TEST_RULES, 1)], indirect=True)
def test_a_continue_on_one_worker_holds_on_the_other_and_on_its_replacement(workers):
    first, second = workers.port(0), workers.port(1)
    token, next_path = warn_page(first, "alice")
    assert post_continue(first, "alice", token, next_path=next_path).status == 303

    def site_opens(port: Port) -> bool:
        from tests.support.proxy_clients import https_via_proxy
        seen = https_via_proxy(port.port, "www.youtube.com", "/watch?v=1", cafiles=[workers.proxy.ca_pem],
                               auth=("alice", "pw"))
        return seen.status == 200 and "origin page for www.youtube.com" in seen.text
    poll(lambda: site_opens(second), timeout=5, what="the Continue to hold on the second worker")
    again = post_continue(second, "alice", token)            # the token is spent everywhere
    assert again.status == 403 and "already been used" in again.text
    warn_page(second, "bob")                                 # and it was alice's alone

    old = workers.worker_pid(1)
    assert old is not None
    os.kill(old, signal.SIGKILL)
    poll(lambda: workers.worker_pid(1) not in (None, old) and port_open(second.port), timeout=5,
         what="the killed worker to be replaced")
    poll(lambda: workers.proxy.log().count(READY_LINE) == 3, timeout=10, what="the replacement to enforce")
    assert site_opens(second)                                # the replacement was told the Continue
    assert site_opens(first)


@pytest.mark.parametrize("workers", [(BIG_BUDGET, 12)], indirect=True)
def test_a_worker_killed_under_load_is_replaced_and_no_minute_is_lost_or_doubled(workers):
    ports = [workers.proxy.port, workers.proxy.port + 1]
    allowed: list[tuple[float, float]] = []      # real times around each answer alice got from the site
    refused: list[int] = []              # the ports that could not be reached (the killed worker)
    stop = threading.Event()

    def load() -> None:
        turn = 0
        while not stop.is_set():
            port = ports[turn % 2]       # spread over both ports, the other one when one fails (as a PAC does)
            turn += 1
            for candidate in (port, ports[0] if port == ports[1] else ports[1]):
                sent = time.time()
                try:
                    seen = reddit(candidate)
                except OSError:
                    refused.append(candidate)
                    continue
                assert seen.status == 200, seen.text[:300]
                allowed.append((sent, time.time()))
                break
    client = threading.Thread(target=load)
    client.start()
    try:
        poll(lambda: len(allowed) >= 20, timeout=20, what="the load to run")
        old = workers.worker_pid(1)
        assert old is not None
        os.kill(old, signal.SIGKILL)
        poll(lambda: refused, timeout=10, what="the killed worker's port to refuse a request")
        served_during = len(allowed)
        poll(lambda: workers.worker_pid(1) not in (None, old) and port_open(ports[1]), timeout=5,
             what="the killed worker to be replaced")
        assert len(allowed) > served_during or poll(lambda: len(allowed) > served_during, timeout=5)
        # Two more minutes of this clock (5 s each) over both workers: the replacement takes its share.
        later = time.time() + 2 * 60 / workers.speed + 1
        poll(lambda: allowed and allowed[-1][0] > later, timeout=30, what="the load to go on over both workers")
    finally:
        stop.set()
        client.join()
    workers.proxy.stop()                 # SIGTERM: every worker writes its spool to the database

    def clock_minute(real: float) -> datetime:
        moment = MORNING + timedelta(seconds=(real - workers.anchor) * workers.speed)
        return moment.replace(second=0, microsecond=0).astimezone(timezone.utc)
    # A request answered across a minute's end may count in either minute; one within a minute, in that one.
    surely = {clock_minute(sent) for sent, answered in allowed if clock_minute(sent) == clock_minute(answered)}
    maybe = {clock_minute(moment) for pair in allowed for moment in pair}
    stored = [row[0] for row in sorted_rows(workers.db_url, ActiveMinute.minute)]
    charged = [row[0] for row in sorted_rows(workers.db_url, QuotaCharge.minute)]
    assert len(stored) == len(set(stored)) and charged == stored
    assert len(surely) >= 3                                  # the load spanned minutes before, at and after the kill
    assert surely <= {minute.replace(tzinfo=timezone.utc) for minute in stored} <= maybe


def test_a_worker_that_cannot_start_stops_the_set_with_its_reason(tmp_path):
    import socket
    import subprocess

    from tests.support.proxy_process import WATERCOOLER
    first = free_ports(2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", first + 1))            # the second worker's port
        taken.listen()
        ended = subprocess.run([str(WATERCOOLER), "proxy", "--rules", str(write_rules(tmp_path / "rules")),
                                "--listen", f"127.0.0.1:{first}", "--workers", "2"], capture_output=True, text=True,
                               timeout=120, env={**os.environ, "WATERCOOLER_DATA": str(tmp_path / "data")})
    assert ended.returncode != 0
    assert "address already in use" in ended.stdout + ended.stderr
    assert "worker 2 did not start (exit code 1); stopping" in ended.stderr and "Traceback" not in ended.stderr
    assert not port_open(first)                          # the first worker stopped too


def test_broken_rules_stop_the_set_with_their_file_and_line_once(tmp_path):
    import subprocess

    from tests.support.proxy_process import WATERCOOLER
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "rules.yaml").write_text("version: 1\ntimezone: Europe/Berlin\nrules:\n"
                                       "  - name: no-nope\n    sites: [nope]\n    action: block\n")
    first = free_ports(2)
    ended = subprocess.run([str(WATERCOOLER), "proxy", "--rules", "broken", "--listen", f"127.0.0.1:{first}",
                            "--workers", "2"], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                           env={**os.environ, "WATERCOOLER_DATA": str(tmp_path / "data")})
    assert ended.returncode == 2 and "Traceback" not in ended.stdout + ended.stderr
    assert "broken/rules.yaml:5:13: unknown site 'nope' in rule 'no-nope'; define it under 'sites:'" in ended.stderr
    stopped = [line for line in ended.stderr.splitlines() if "did not start" in line]
    assert len(stopped) == 1 and stopped[0].endswith("did not start (exit code 2); stopping"), ended.stderr
    assert not port_open(first) and not port_open(first + 1)
