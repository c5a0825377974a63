"""Device files parsed as devices read them: the Apple profile as a property list (the CA's own bytes, the PAC
URL per Wi-Fi network or globally when supervised, stable identifiers), the Chrome/Edge policy as JSON whose
every name is on the list of Chrome's policy names, Firefox's policies.json."""
from __future__ import annotations

import base64
import json
import plistlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.support.tls_certs import make_pki
from web import device_profiles

PAC = "https://watercooler.corp.example/proxy.pac"
NAMES = {line.strip() for line in (Path(__file__).parents[1] / "support" / "chrome_policy_names.txt")
         .read_text().splitlines() if line.strip() and not line.startswith("#")}


def ca(tmp_path) -> tuple[bytes, bytes]:
    pem = make_pki(tmp_path, ["proxy.corp.example"]).ca_pem.read_bytes()
    return pem, x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def test_the_apple_profile_trusts_the_ca_and_sets_the_pac_file_on_the_office_wifi(tmp_path):
    pem, der = ca(tmp_path)
    profile = plistlib.loads(device_profiles.apple_profile(pem, PAC, "Northwind", wifi_ssid="Northwind Office"))
    assert profile["PayloadType"] == "Configuration" and profile["PayloadOrganization"] == "Northwind"
    root, wifi = profile["PayloadContent"]
    assert root["PayloadType"] == "com.apple.security.root" and root["PayloadContent"] == der
    assert wifi["PayloadType"] == "com.apple.wifi.managed" and wifi["SSID_STR"] == "Northwind Office"
    assert wifi["ProxyType"] == "Auto" and wifi["ProxyPACURL"] == PAC
    again = plistlib.loads(device_profiles.apple_profile(pem, PAC, "Northwind", wifi_ssid="Northwind Office"))
    assert again["PayloadUUID"] == profile["PayloadUUID"]               # a new download replaces the old one
    uuids = [profile["PayloadUUID"], root["PayloadUUID"], wifi["PayloadUUID"]]
    assert len(set(uuids)) == 3
    ca_only = plistlib.loads(device_profiles.apple_profile(pem, PAC, "Northwind"))
    assert [payload["PayloadType"] for payload in ca_only["PayloadContent"]] == ["com.apple.security.root"]


def test_the_supervised_profile_sets_a_global_proxy_that_stays(tmp_path):
    pem, der = ca(tmp_path)
    profile = plistlib.loads(device_profiles.apple_profile(pem, PAC, "Northwind", supervised=True))
    root, proxy = profile["PayloadContent"]
    assert proxy["PayloadType"] == "com.apple.proxy.http.global" and proxy["ProxyPACURL"] == PAC
    assert proxy["ProxyType"] == "Auto" and proxy["ProxyPACFallbackAllowed"] is False
    assert profile["PayloadRemovalDisallowed"] is True and root["PayloadContent"] == der


def test_the_chrome_policy_uses_chromes_own_names_and_turns_off_what_goes_around_the_proxy(tmp_path):
    pem, der = ca(tmp_path)
    policy = json.loads(json.dumps(device_profiles.chrome_policy(pem, PAC)))
    used = set(policy) | {f"ProxySettings.{field}" for field in policy["ProxySettings"]}
    assert used <= NAMES and set(device_profiles.CHROME_POLICIES) <= NAMES
    assert policy["ProxySettings"] == {"ProxyMode": "pac_script", "ProxyPacUrl": PAC}
    assert base64.b64decode(policy["CACertificates"][0]) == der
    assert policy["QuicAllowed"] is False and policy["DnsOverHttpsMode"] == "off"
    assert policy["EncryptedClientHelloEnabled"] is False


def test_the_firefox_policies_lock_the_pac_file_and_turn_off_doh_ech_and_http3():
    policies = json.loads(json.dumps(device_profiles.firefox_policies(PAC)))["policies"]
    assert policies["Proxy"] == {"Mode": "autoConfig", "AutoConfigURL": PAC, "Locked": True}
    assert policies["Certificates"]["Install"] == ["watercooler-ca.pem"]
    assert policies["DNSOverHTTPS"]["Enabled"] is False and policies["DisableEncryptedClientHello"] is True
    assert policies["Preferences"]["network.http.http3.enable"] == {"Value": False, "Status": "locked"}
