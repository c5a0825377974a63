"""`flask --app web ...` finds the app factory: the panel runs under Flask's own command too."""
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_port, poll, port_open

FLASK = Path(sys.executable).with_name("flask")
ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path) -> dict:
    env = {**os.environ, "WATERCOOLER_DATA": str(tmp_path / "data"), "WATERCOOLER_RULES": str(ROOT / "rules")}
    env.pop("WATERCOOLER_DB", None)
    return env


def test_flask_lists_the_panels_routes(tmp_path):
    result = subprocess.run([str(FLASK), "--app", "web", "routes"], cwd=tmp_path, env=_env(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for rule in ("/auth/login", "/me/", "/team/", "/requests/new", "/admin/status", "/proxy.pac"):
        assert rule in result.stdout


@pytest.mark.e2e
def test_flask_run_serves_the_panel(tmp_path):
    port = free_port()
    process = subprocess.Popen([str(FLASK), "--app", "web", "run", "--port", str(port)], cwd=tmp_path,
                               env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        poll(lambda: port_open(port) or process.poll() is not None, timeout=30, what="flask run to listen")
        assert httpx.get(f"http://127.0.0.1:{port}/auth/login").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
