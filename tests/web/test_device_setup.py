"""/devices: public, lists the files and steps; the files name the PAC file at PANEL_URL (never the Host header)
and carry the proxy's CA; without PANEL_URL or a CA they are a 404 saying what to do."""
from __future__ import annotations

import json
import plistlib

import pytest

from tests.support.tls_certs import make_pki

FILES = ["/devices/watercooler.mobileconfig", "/devices/watercooler-supervised.mobileconfig",
         "/devices/chrome-policy.json", "/devices/firefox-policies.json"]


@pytest.fixture
def configured(app, tmp_path):
    app.config.update(PANEL_URL="https://watercooler.corp.example/", DEVICE_WIFI_SSID="Northwind Office",
                      ORGANISATION="Northwind", CA_CERT=str(make_pki(tmp_path / "pki", ["proxy.corp.example"]).ca_pem))
    return app


def test_the_page_and_its_files_need_no_sign_in_and_name_the_configured_panel(configured, client):
    page = client.get("/devices", headers={"Host": "evil.example"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "https://watercooler.corp.example/proxy.pac" in text and "evil" not in text
    for path in FILES:
        assert path in text
        answer = client.get(path, headers={"Host": "evil.example"})
        assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
        assert b"evil" not in answer.get_data()
    profile = plistlib.loads(client.get(FILES[0]).get_data())
    assert profile["PayloadContent"][1]["ProxyPACURL"] == "https://watercooler.corp.example/proxy.pac"
    assert client.get(FILES[0]).mimetype == "application/x-apple-aspen-config"
    assert json.loads(client.get(FILES[2]).get_data())["ProxySettings"]["ProxyPacUrl"].endswith("/proxy.pac")
    assert json.loads(client.get(FILES[3]).get_data())["policies"]["Proxy"]["Locked"] is True


def test_without_a_panel_url_or_a_ca_the_files_say_what_is_missing(app, client, tmp_path):
    app.config.update(PANEL_URL=None, CA_CERT=str(tmp_path / "missing.pem"))
    answer = client.get(FILES[0])
    assert answer.status_code == 404 and "WATERCOOLER_PANEL_URL" in answer.get_data(as_text=True)
    app.config["PANEL_URL"] = "https://watercooler.corp.example/"
    answer = client.get(FILES[2])
    assert answer.status_code == 404 and "start 'watercooler proxy' once" in answer.get_data(as_text=True)
    page = client.get("/devices")
    assert page.status_code == 200 and "not available yet" in page.get_data(as_text=True)
