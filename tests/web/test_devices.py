"""/proxy.pac: public, names the configured proxy (never the Host header), sends loopback and configured
domains direct, injects nothing; /ca.pem serves a certificate and nothing else."""
import pytest

from tests.support.pac import find_proxy
from tests.support.tls_certs import make_pki


def served(client, **headers) -> str:
    response = client.get("/proxy.pac", **headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_pac_file_names_the_proxy_and_needs_no_sign_in(app, client):
    app.config["PROXY_ADDRESS"] = "proxy.corp.example:8080"
    response = client.get("/proxy.pac", base_url="http://panel.corp.example:8081")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ns-proxy-autoconfig"
    body = response.get_data(as_text=True)
    assert find_proxy(body, "https://www.facebook.com/", "10.0.0.5") == ["PROXY proxy.corp.example:8080"]
    assert find_proxy(body, "http://localhost:8081/", "10.0.0.5") == ["DIRECT"]


@pytest.mark.parametrize("forged", ["evil.example:8080", "evil.example", "[2001:db8::66]:1"])
def test_a_forged_host_header_never_reaches_the_pac_file(app, client, forged):
    app.config["PROXY_ADDRESS"] = "proxy.corp.example:3128"
    for headers in ({"Host": forged}, {"Host": "panel.corp.example", "X-Forwarded-Host": forged}):
        body = served(client, headers=headers)
        assert find_proxy(body, "https://x.com/", "10.0.0.5") == ["PROXY proxy.corp.example:3128"]
        assert "evil" not in body and "2001:db8" not in body


def test_without_a_configured_address_there_is_no_pac_file_and_it_says_why(client):
    response = client.get("/proxy.pac", headers={"Host": "evil.example"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "WATERCOOLER_PROXY_ADDRESS" in body and "evil" not in body and "FindProxyForURL" not in body


def test_settings_choose_the_address_and_the_direct_domains(app, client):
    app.config.update(PROXY_ADDRESS="proxy.corp.example:3128", PAC_DIRECT=["Intranet.corp.example."])
    body = served(client)
    assert find_proxy(body, "https://x.com/", "10.0.0.5") == ["PROXY proxy.corp.example:3128"]
    assert find_proxy(body, "https://intranet.corp.example/a", "10.0.0.5") == ["DIRECT"]
    assert find_proxy(body, "https://wiki.intranet.corp.example/a", "10.0.0.5") == ["DIRECT"]


def test_values_cannot_break_out_of_their_strings(app, client):
    app.config.update(PROXY_ADDRESS='x"; alert(1); "')
    refused = client.get("/proxy.pac")
    assert refused.status_code == 500 and "give HOST:PORT" in refused.get_data(as_text=True)
    assert "FindProxyForURL" not in refused.get_data(as_text=True)
    app.config.update(PROXY_ADDRESS="proxy.corp.example:3128", PAC_DIRECT=['a"];alert(2);//'])
    body = served(client)
    assert '"a\\"];alert(2);//"' in body
    assert find_proxy(body, "https://x.com/", "10.0.0.5") == ["PROXY proxy.corp.example:3128"]


@pytest.mark.parametrize("configured", ["::1:8080", "[::1]:8080"])
def test_ipv6_addresses_are_bracketed(app, client, configured):
    app.config["PROXY_ADDRESS"] = configured
    assert find_proxy(served(client), "https://x.com/", "10.0.0.5") == ["PROXY [::1]:8080"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), ["proxy.corp.example"])


def test_the_ca_certificate_is_served_as_a_download(app, client, pki, tmp_path):
    app.config["CA_CERT"] = str(pki.ca_pem)
    response = client.get("/ca.pem")
    assert response.status_code == 200 and response.mimetype == "application/x-x509-ca-cert"
    assert response.get_data() == pki.ca_pem.read_bytes()
    assert response.headers["Content-Disposition"] == 'attachment; filename="watercooler-ca-cert.pem"'


def test_a_file_with_a_private_key_is_never_served(app, client, pki, tmp_path):
    together = tmp_path / "mitmproxy-ca.pem"        # mitmproxy's own file: key and certificate in one
    together.write_bytes(pki.key_pem.read_bytes() + pki.ca_pem.read_bytes())
    app.config["CA_CERT"] = str(together)
    response = client.get("/ca.pem")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "PRIVATE KEY" not in body and pki.key_pem.read_text().splitlines()[1] not in body
    assert "holds a private key, so /ca.pem does not serve it. Set CA_CERT to the certificate alone" in body


@pytest.mark.parametrize("content", [b"", b"not a certificate\n", b"-----BEGIN CERTIFICATE-----\nAAAA\n",
                                     b"x" * 70000])
def test_anything_but_certificates_is_refused(app, client, tmp_path, content):
    odd = tmp_path / "ca.pem"
    odd.write_bytes(content)
    app.config["CA_CERT"] = str(odd)
    response = client.get("/ca.pem")
    assert response.status_code == 503
    assert "is not a PEM certificate, so /ca.pem does not serve it" in response.get_data(as_text=True)


def test_no_certificate_yet_is_a_404(app, client, tmp_path):
    app.config["CA_CERT"] = str(tmp_path / "missing.pem")
    assert client.get("/ca.pem").status_code == 404
