"""Owner-only files whatever the umask: the helpers, and every file a real proxy and panel create
under their data folder and confdir, started with umask 000."""
from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from storage.privacy.private import private_file, private_folder
from tests.support.cli_run import ROOT, WATERCOOLER
from tests.support.net import free_port, poll, port_open


def _open_to_others(root: Path) -> list[str]:
    """Every file and folder under `root` (itself included) that group or others may use, with its mode."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {mode:o}")
    return found


@pytest.fixture
def umask_000():
    old = os.umask(0)
    yield
    os.umask(old)


def test_folders_and_files_are_owner_only_under_umask_000(tmp_path, umask_000):
    folder = private_folder(tmp_path / "a" / "b" / "c")
    private_file(folder / "watercooler.db")
    assert _open_to_others(tmp_path / "a") == []
    assert private_file(folder / "watercooler.db") == folder / "watercooler.db"   # an existing file is left be


def _start(args: list[str], data: Path, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "WATERCOOLER_DATA": str(data)}
    for name in ("WATERCOOLER_DB", "WATERCOOLER_RULES"):
        env.pop(name, None)
    return subprocess.Popen([str(WATERCOOLER), *args, "--rules", str(ROOT / "rules")], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: os.umask(0))


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    return process.communicate(timeout=20)[0]


def _migrated(database: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'audit_erasures'").fetchone()[0] == 1
    except sqlite3.Error:
        return False


@pytest.mark.e2e
def test_every_file_the_proxy_and_panel_create_is_owner_only(tmp_path):
    data = tmp_path / "data"
    proxy_port, panel_port = free_port(), free_port()
    proxy = _start(["proxy", "--listen", f"127.0.0.1:{proxy_port}"], data, tmp_path)
    try:
        poll(lambda: port_open(proxy_port) or proxy.poll() is not None, timeout=60, what="the proxy to listen")
        assert proxy.poll() is None
        with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as conn:
            conn.sendall(b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\n"
                         b"Connection: close\r\n\r\n")
            assert conn.recv(65536).startswith(b"HTTP/1.1 ")
        poll(lambda: _migrated(data / "watercooler.db") and list(data.glob("spool/*/health.json")), timeout=30,
             what="the database and the spool's health report")
        running = {p.name for p in data.rglob("*")}
        assert {"watercooler.db-wal", "watercooler.db-shm"} <= running, running   # SQLite's, while it runs
        assert _open_to_others(data) == []
    finally:
        _stop(proxy)
    panel = _start(["panel", "--demo", "--listen", f"127.0.0.1:{panel_port}"], data, tmp_path)
    try:
        poll(lambda: port_open(panel_port) or panel.poll() is not None, timeout=90, what="the panel to listen")
        assert panel.poll() is None
        assert httpx.get(f"http://127.0.0.1:{panel_port}/auth/login").status_code == 200
    finally:
        _stop(panel)
    made = {p.relative_to(data).as_posix() for p in data.rglob("*")}
    assert {"watercooler.db", "panel-secret-key", "demo-accounts.txt", "proxy/mitmproxy-ca.pem",
            "proxy/mitmproxy-ca-cert.pem", "proxy/watercooler-secret"} <= made, made
    assert any(name.startswith("spool/") for name in made), made
    assert _open_to_others(data) == []
