"""`watercooler panel`: serves the panel on the address asked for, or explains why it cannot."""
from __future__ import annotations

import argparse
import os
import subprocess

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
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "Demo accounts (sign in at the panel):" in output
    assert f"manager   carol.schmitt   password {password}" in output
