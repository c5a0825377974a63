"""Files that configure devices for the proxy: an Apple configuration profile, Chrome/Edge and Firefox policies.

Each is built from the proxy's CA certificate and the PAC file's URL alone. The Apple profile trusts the CA
and, when the office Wi-Fi's name is set, points that network at the PAC file; the supervised variant sets
a global HTTP proxy (supervised iPhones, iPads and Macs only), which holds on every network. The browser
policies set the PAC file, trust the CA, and turn off what would carry traffic past the proxy or hide the
site's name from it: QUIC (HTTP/3 over UDP is not proxied), DNS over HTTPS and Encrypted Client Hello.
Payload identifiers are derived from the CA, so a newer download replaces the installed profile.
"""
from __future__ import annotations

import base64
import plistlib
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

IDENTIFIER = "org.watercooler.proxy"

# The Chrome (and Edge) policies these files set: tests check them against docs/chrome-policy-names.txt.
CHROME_POLICIES = ("ProxySettings", "CACertificates", "QuicAllowed", "DnsOverHttpsMode", "EncryptedClientHelloEnabled")


def ca_der(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def _uuid(ca: bytes, part: str) -> str:
    """Stable per CA and payload: re-downloading gives the same identifiers, so the profile is updated."""
    fingerprint = x509.load_der_x509_certificate(ca).fingerprint(hashes.SHA256()).hex()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"watercooler:{fingerprint}:{part}")).upper()


def _payload(kind: str, ca: bytes, name: str, **content) -> dict:
    return {"PayloadType": kind, "PayloadVersion": 1, "PayloadIdentifier": f"{IDENTIFIER}.{name}",
            "PayloadUUID": _uuid(ca, name), "PayloadDisplayName": content.pop("display"), **content}


def apple_profile(ca_pem: bytes, pac_url: str, organisation: str, wifi_ssid: str | None = None,
                  supervised: bool = False) -> bytes:
    """A .mobileconfig (XML property list): the CA, and the PAC file per Wi-Fi network or, supervised, globally."""
    ca = ca_der(ca_pem)
    payloads = [_payload("com.apple.security.root", ca, "ca", display="Watercooler CA",
                         PayloadCertificateFileName="watercooler-ca.cer", PayloadContent=ca)]
    if supervised:
        payloads.append(_payload("com.apple.proxy.http.global", ca, "global-proxy", display="Watercooler proxy",
                                 ProxyType="Auto", ProxyPACURL=pac_url, ProxyPACFallbackAllowed=False,
                                 ProxyCaptiveLoginAllowed=True))
    elif wifi_ssid:
        payloads.append(_payload("com.apple.wifi.managed", ca, "wifi", display=f"{wifi_ssid} with the proxy",
                                 SSID_STR=wifi_ssid, EncryptionType="Any", AutoJoin=True, HIDDEN_NETWORK=False,
                                 ProxyType="Auto", ProxyPACURL=pac_url))
    kind = "supervised" if supervised else "profile"
    profile = {"PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": f"{IDENTIFIER}.{kind}",
               "PayloadUUID": _uuid(ca, kind), "PayloadDisplayName": f"{organisation}: Watercooler proxy",
               "PayloadOrganization": organisation, "PayloadRemovalDisallowed": supervised,
               "PayloadDescription": "Trusts the Watercooler CA (for the proxy's pages on HTTPS sites) and sends "
                                     "web traffic to the proxy through its auto-configuration file.",
               "PayloadContent": payloads}
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML)


def chrome_policy(ca_pem: bytes, pac_url: str) -> dict:
    """Managed policy for Chrome and Edge (a JSON file on Linux; the same names in the registry or a profile)."""
    return {"ProxySettings": {"ProxyMode": "pac_script", "ProxyPacUrl": pac_url},
            "CACertificates": [base64.b64encode(ca_der(ca_pem)).decode("ascii")],
            "QuicAllowed": False, "DnsOverHttpsMode": "off", "EncryptedClientHelloEnabled": False}


def firefox_policies(pac_url: str) -> dict:
    """`policies.json` for Firefox; the CA file is installed next to it as watercooler-ca.pem."""
    return {"policies": {
        "Proxy": {"Mode": "autoConfig", "AutoConfigURL": pac_url, "Locked": True},
        "Certificates": {"ImportEnterpriseRoots": True, "Install": ["watercooler-ca.pem"]},
        "DNSOverHTTPS": {"Enabled": False, "Locked": True},
        "DisableEncryptedClientHello": True,
        "Preferences": {"network.http.http3.enable": {"Value": False, "Status": "locked"}},
    }}
