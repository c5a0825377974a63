"""The remote endpoint for real: HAProxy terminating TLS in front of a login-only `watercooler proxy`, reached by
curl as a secure web proxy (`--proxy https://…`). Without credentials nothing but 407; signed in, the same
block page as in the office and the allowed origin; a port that does not require a login is never relayed to."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port, poll, port_open
from tests.support.origin import Origin
from tests.support.proxy_env import NAMES, write_rules
from tests.support.proxy_process import ProxyProcess
from tests.support.tls_certs import make_pki

pytestmark = pytest.mark.e2e
WATERCOOLER = Path(sys.executable).with_name("watercooler")
LOGIN = "alice:correct horse"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("remote")
    pki = make_pki(tmp / "pki", NAMES)           # its certificate also names 127.0.0.1: the endpoint's
    http_origin, https_origin = Origin(), Origin(str(pki.cert_pem), str(pki.key_pem))
    options = {
        "watercooler_rules": str(write_rules(tmp / "rules")),
        "watercooler_map_hosts": [f"*:80=127.0.0.1:{http_origin.port}", f"*:443=127.0.0.1:{https_origin.port}"],
        "ssl_verify_upstream_trusted_ca": str(pki.ca_pem),
        "watercooler_test_clock": "2026-11-26T10:00:00+01:00",
        "proxyauth": LOGIN,
    }
    remote = ProxyProcess(tmp / "remote-proxy", options, program="watercooler", extra_args=["--login-only"])
    office = ProxyProcess(tmp / "office-proxy", {**options, "confdir": str(remote.confdir)}, program="watercooler")
    port = free_port()
    endpoint = subprocess.Popen([str(WATERCOOLER), "remote-endpoint", "--cert", str(pki.cert_pem), "--key",
                                 str(pki.key_pem), "--listen", f"127.0.0.1:{port}", "--to", f"127.0.0.1:{remote.port}",
                                 "--folder", str(tmp / "endpoint")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        poll(lambda: endpoint.poll() is not None or port_open(port), timeout=20, what="HAProxy to listen")
        assert endpoint.poll() is None, endpoint.stdout.read().decode()
        yield tmp, pki, remote, office, port
    finally:
        endpoint.send_signal(signal.SIGTERM)
        endpoint.wait(timeout=10)
        for process in (remote, office):
            process.stop()
        http_origin.close()
        https_origin.close()


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "-i", "--max-time", "20", *args], capture_output=True, text=True, timeout=30)


def via_endpoint(setup, *args: str) -> subprocess.CompletedProcess:
    _, pki, _, _, port = setup
    return curl("--proxy", f"https://127.0.0.1:{port}", "--proxy-cacert", str(pki.ca_pem), *args)


def test_without_credentials_there_is_nothing_but_407(setup):
    for url in ("http://www.facebook.com/", "http://www.example.org/"):
        answer = via_endpoint(setup, url)
        assert answer.stdout.startswith("HTTP/1.1 407"), answer.stdout[:300]
        assert "origin page" not in answer.stdout and "Facebook" not in answer.stdout
    tunnel = via_endpoint(setup, "https://www.example.org/")
    assert tunnel.returncode != 0 and "407" in tunnel.stdout + tunnel.stderr
    assert "origin page" not in tunnel.stdout


def test_signed_in_a_blocked_site_gets_the_office_block_page_and_an_allowed_one_its_origin(setup):
    _, pki, remote, office, _ = setup
    remote_page = via_endpoint(setup, "--proxy-user", LOGIN, "http://www.facebook.com/")
    office_page = curl("--proxy", f"http://127.0.0.1:{office.port}", "--proxy-user", LOGIN, "http://www.facebook.com/")
    assert remote_page.stdout.startswith("HTTP/1.1 403") and "Facebook opens at lunch" in remote_page.stdout
    assert remote_page.stdout.split("\n\n", 1)[1] == office_page.stdout.split("\n\n", 1)[1]
    https_block = via_endpoint(setup, "--proxy-user", LOGIN, "--cacert", str(remote.ca_pem),
                               "https://www.facebook.com/")
    assert re.search(r"^HTTP/\S+ 403", https_block.stdout, re.M) and "Facebook opens at lunch" in https_block.stdout
    allowed = via_endpoint(setup, "--proxy-user", LOGIN, "--cacert", str(pki.ca_pem), "https://www.example.org/")
    assert "origin page for www.example.org GET /" in allowed.stdout
    wrong = via_endpoint(setup, "--proxy-user", "alice:guess", "http://www.example.org/")
    assert wrong.stdout.startswith("HTTP/1.1 407")


def test_a_port_that_does_not_require_a_login_is_refused(setup):
    tmp, pki, _, office, _ = setup
    for target, said in ((office.port, "is not a login-only proxy"), (free_port(), "no proxy answers")):
        refused = subprocess.run([str(WATERCOOLER), "remote-endpoint", "--cert", str(pki.cert_pem), "--key",
                                  str(pki.key_pem), "--listen", f"127.0.0.1:{free_port()}", "--to",
                                  f"127.0.0.1:{target}", "--folder", str(tmp / "refused")],
                                 capture_output=True, text=True, timeout=30)
        assert refused.returncode == 2 and said in refused.stderr and "Traceback" not in refused.stderr
