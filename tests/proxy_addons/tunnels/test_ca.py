from cryptography import x509

from proxy_addons.tunnels.ca import ca_cert_path, ensure_ca


def test_the_ca_is_named_watercooler_and_never_replaced(tmp_path):
    assert ensure_ca(tmp_path, key_size=2048)
    cert = x509.load_pem_x509_certificate(ca_cert_path(tmp_path).read_bytes())
    assert cert.subject.rfc4514_string() == "O=Watercooler,CN=Watercooler CA"
    first = ca_cert_path(tmp_path).read_bytes()
    assert not ensure_ca(tmp_path)
    assert ca_cert_path(tmp_path).read_bytes() == first
    assert (tmp_path / "mitmproxy-ca-cert.cer").exists() and (tmp_path / "mitmproxy-ca.p12").exists()
