"""`watercooler panel`: serves the panel on the address asked for, or explains why it cannot."""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import time

import httpx
import pytest

from cli.panel import listen_address
from tests.support.cli_run import ROOT, WATERCOOLER, watercooler
from tests.support.net import free_port, poll, port_open


@pytest.mark.parametrize(("text", "address"), [
    ("127.0.0.1:8081", ("127.0.0.1", 8081)), (":9000", ("0.0.0.0", 9000)), ("[::1]:8081", ("::1", 8081)),
])
def test_listen_addresses(text, address):
    assert listen_address(text) == address


@pytest.mark.parametrize("text", ["8081", "host:", "host:http", "host:70000"])
def test_bad_listen_addresses_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="is not HOST:PORT"):
        listen_address(text)


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://db.example/watercooler", "unsupported database 'mysql'"),
    (f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test", "cannot upgrade the database"),
])
def test_an_unusable_database_is_one_sentence(tmp_path, url, message):
    result = watercooler("panel", "--listen", f"127.0.0.1:{free_port()}", "--db", url,
                         env={"WATERCOOLER_DATA": str(tmp_path)})
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.e2e
def test_the_panel_serves_its_sign_in_page(tmp_path):
    url = f"sqlite:///{tmp_path / 'panel.db'}"  # empty: the panel migrates it at start
    port = free_port()
    env = {**os.environ, "WATERCOOLER_DATA": str(tmp_path)}
    process = subprocess.Popen([str(WATERCOOLER), "panel", "--listen", f"127.0.0.1:{port}", "--db", url,
                                "--rules", str(ROOT / "rules")], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        poll(lambda: port_open(port) or process.poll() is not None, timeout=30, what="the panel to listen")
        assert process.poll() is None, process.stdout.read()
        response = httpx.get(f"http://127.0.0.1:{port}/auth/login")
        assert response.status_code == 200 and "Sign in" in response.text
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"Watercooler panel on http://127.0.0.1:{port}/" in output


@pytest.mark.e2e
def test_the_demo_panel_prints_accounts_that_sign_in(tmp_path):
    import re

    port = free_port()
    env = {**os.environ, "WATERCOOLER_DATA": str(tmp_path / "data")}
    env.pop("WATERCOOLER_DB", None)
    process = subprocess.Popen([str(WATERCOOLER), "panel", "--demo", "--listen", f"127.0.0.1:{port}",
                                "--rules", str(ROOT / "rules")], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        poll(lambda: port_open(port) or process.poll() is not None, timeout=60, what="the demo panel to listen")
        assert process.poll() is None
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/auth/login").text)
            accounts = (tmp_path / "data" / "demo-accounts.txt").read_text()
            password = re.search(r"^carol\.schmitt (\S+)$", accounts, re.M).group(1)
            signed_in = client.post("/auth/login", data={"name": "carol.schmitt", "password": password,
                                                         "csrf_token": token.group(1)})
            assert signed_in.status_code == 302
            team = client.get("/team/usage?group=marketing")
            assert "Demo: the usage in this panel is simulated" in team.text and "active minutes this week" in team.text
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as alice:
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', alice.get("/auth/login").text)
            alice_password = re.search(r"^alice\.krueger (\S+)$", accounts, re.M).group(1)
            alice.post("/auth/login", data={"name": "alice.krueger", "password": alice_password,
                                            "csrf_token": token.group(1)})
            form = alice.get("/requests/new").text
            site = re.search(r'<option[^>]* value="([^"]+)"', form).group(1)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
            asked = alice.post("/requests/new", data={"site": site, "reason": "Our campaign", "hours": "1",
                                                      "csrf_token": token})
            assert asked.status_code == 302
        mail = tmp_path / "data" / "demo-mail"
        [written] = poll(lambda: list(mail.glob("*carol.schmitt@northwind.example.eml")), timeout=30,
                         what="the demo's mail to the manager")
        assert "Subject: Watercooler: alice.krueger asks for" in written.read_text()
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"Demo mail: messages to managers and employees are written as .eml files to {mail}/" in output
    assert "Demo accounts (sign in at the panel):" in output
    assert f"manager   carol.schmitt   password {password}" in output


@pytest.fixture
def served_panel(tmp_path, request):
    """`watercooler panel` as deployed, with the idle timeout given as the fixture's param; yields its port."""
    port = free_port()
    env = {**os.environ, "WATERCOOLER_DATA": str(tmp_path), "WATERCOOLER_SERVER_CHANNEL_TIMEOUT": str(request.param)}
    process = subprocess.Popen([str(WATERCOOLER), "panel", "--listen", f"127.0.0.1:{port}",
                                "--db", f"sqlite:///{tmp_path / 'panel.db'}", "--rules", str(ROOT / "rules")],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        poll(lambda: port_open(port) or process.poll() is not None, timeout=30, what="the panel to listen")
        assert process.poll() is None, process.stdout.read()
        yield port
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.e2e
@pytest.mark.parametrize("served_panel", [30], indirect=True)   # idle ones are not closed during the test
def test_120_idle_connections_do_not_keep_a_normal_request_out(served_panel):
    idle = []
    try:
        for i in range(120):
            sock = socket.create_connection(("127.0.0.1", served_panel), timeout=5)
            if i % 2:
                sock.sendall(b"GET /auth/login HTTP/1.1\r\nHost: panel\r\n")   # a slow client: headers never end
            idle.append(sock)
        response = httpx.get(f"http://127.0.0.1:{served_panel}/auth/login", timeout=15)   # well before 30 s
        assert response.status_code == 200 and "Sign in" in response.text
        idle[1].sendall(b"\r\n")              # and the slow ones are still served when they finish
        assert idle[1].recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.e2e
@pytest.mark.parametrize("served_panel", [4], indirect=True)
def test_an_idle_connection_is_closed_after_the_channel_timeout(served_panel):
    with socket.create_connection(("127.0.0.1", served_panel), timeout=30) as sock:
        sock.sendall(b"GET /auth/login HTTP/1.1\r\nHost: panel\r\n")           # and then nothing more
        started = time.monotonic()
        assert sock.recv(1024) == b""                                           # the panel hung up ...
        assert 3 <= time.monotonic() - started < 20                             # ... after about 4 s
