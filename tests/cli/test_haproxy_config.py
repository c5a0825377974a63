"""The remote endpoint's HAProxy configuration: a certificate and key that do not belong together are refused
by name; the configuration HAProxy itself accepts terminates TLS, relays as TCP and reads the key through a link."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from cli.haproxy_config import CertificateProblem, check_pair, write_config
from tests.support.tls_certs import make_pki


def test_a_mismatched_or_unreadable_pair_is_refused_by_name(tmp_path):
    one, other = make_pki(tmp_path / "one", ["proxy.corp.example"]), make_pki(tmp_path / "two", ["x.example"])
    check_pair(one.cert_pem, one.key_pem)
    with pytest.raises(CertificateProblem, match="is not the private key of the certificate"):
        check_pair(one.cert_pem, other.key_pem)
    with pytest.raises(CertificateProblem, match="not a PEM certificate"):
        check_pair(one.key_pem, one.key_pem)
    with pytest.raises(CertificateProblem, match="cannot read the private key"):
        check_pair(one.cert_pem, tmp_path / "missing.pem")


def test_the_configuration_is_one_haproxy_accepts(tmp_path):
    pki = make_pki(tmp_path / "pki", ["proxy.corp.example"])
    config = write_config(tmp_path / "endpoint", ("0.0.0.0", 8443), pki.cert_pem, pki.key_pem,
                          [("127.0.0.1", 8090), ("::1", 8091)], maxconn=500)
    text = config.read_text()
    assert "bind 0.0.0.0:8443 ssl crt" in text and "alpn http/1.1" in text and "mode tcp" in text
    assert "server proxy1 127.0.0.1:8090" in text and "server proxy2 [::1]:8091" in text
    assert "send-proxy" not in text and "\n    log" not in text          # no PROXY protocol, no address logs
    assert (tmp_path / "endpoint" / "endpoint.pem.key").resolve() == pki.key_pem.resolve()
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    assert haproxy, "haproxy is installed by ./dev test"
    checked = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
