"""What devices fetch to use the proxy: `/proxy.pac` and the proxy's CA certificate at `/ca.pem`.

Both are public on purpose (browsers and phones fetch them before anyone signs in): the PAC file names
only the proxy's address, the certificate is public by nature (the key never leaves the proxy).
Plain host names and loopback go direct; so do the domains in `PAC_DIRECT` (e.g. intranet hosts that
need no policy). The company's own community is *not* direct: the proxy counts its minutes for the
engagement trend. Values are written as JSON strings, so a setting can never inject script.

The PAC file is built from `PROXY_ADDRESS` alone, never from the request's Host header (which anyone
can forge, and a cache could then hand to everyone); without the setting it is a 404 saying so.
`/ca.pem` serves only a file made of PEM certificates: one that holds a private key (mitmproxy's
`mitmproxy-ca.pem` is key and certificate together) or anything else is refused, with the fix.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app

from storage.db import data_dir

bp = Blueprint("devices", __name__)

TEMPLATE = """\
// Watercooler proxy auto-configuration. Served by the panel at /proxy.pac.
function FindProxyForURL(url, host) {{
  var direct = {direct};
  if (isPlainHostName(host) || host === "localhost" || shExpMatch(host, "127.*")) {{
    return "DIRECT";
  }}
  for (var i = 0; i < direct.length; i++) {{
    if (host === direct[i] || dnsDomainIs(host, "." + direct[i])) {{
      return "DIRECT";
    }}
  }}
  return {proxy};
}}
"""


NOT_CONFIGURED = ("// No proxy address is configured, so there is no PAC file here.\n"
                  "// An admin sets WATERCOOLER_PROXY_ADDRESS=HOST:PORT (the proxy as devices reach it).\n")
CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?")
LARGEST_CA_FILE = 64 * 1024


def proxy_address() -> str | None:
    """`PROXY_ADDRESS` (host:port; a bare IPv6 address gets its brackets), or None when not set."""
    configured = str(current_app.config.get("PROXY_ADDRESS") or "").strip()
    host, _, port = configured.rpartition(":")
    if ":" in host and not host.startswith("["):
        return f"[{host}]:{port}"
    return configured or None


@bp.get("/proxy.pac")
def proxy_pac() -> Response:
    address = proxy_address()
    if address is None:
        return Response(NOT_CONFIGURED, status=404, mimetype="application/x-ns-proxy-autoconfig")
    direct = [str(domain).strip(".").lower() for domain in current_app.config.get("PAC_DIRECT") or []]
    body = TEMPLATE.format(direct=json.dumps(direct), proxy=json.dumps(f"PROXY {address}"))
    response = Response(body, mimetype="application/x-ns-proxy-autoconfig")
    response.headers["Cache-Control"] = "max-age=300"
    return response


def ca_certificate() -> Path:
    """`CA_CERT`, else where `watercooler proxy` keeps its CA: DATA/proxy/mitmproxy-ca-cert.pem."""
    configured = current_app.config.get("CA_CERT")
    data = Path(current_app.config["DATA"]) if current_app.config.get("DATA") else data_dir()
    return Path(configured) if configured else data / "proxy" / "mitmproxy-ca-cert.pem"


class NotACertificate(Exception):
    """The file configured for /ca.pem is not certificates alone: never served, the admin told why."""


@bp.get("/ca.pem")
def ca_pem():
    path = ca_certificate()
    if not path.is_file():
        abort(404)
    with path.open("rb") as file:
        content = file.read(LARGEST_CA_FILE + 1)
    if b"PRIVATE KEY" in content:
        raise NotACertificate(f"{path} holds a private key, so /ca.pem does not serve it. Set CA_CERT to the "
                              "certificate alone (mitmproxy-ca-cert.pem, not mitmproxy-ca.pem) and keep the key "
                              "readable by the proxy only.")
    if len(content) > LARGEST_CA_FILE or not content.strip() or CERTIFICATE.sub(b"", content).strip():
        raise NotACertificate(f"{path} is not a PEM certificate, so /ca.pem does not serve it. Set CA_CERT to "
                              "the proxy's CA certificate (mitmproxy-ca-cert.pem).")
    response = Response(content, mimetype="application/x-x509-ca-cert")
    response.headers["Content-Disposition"] = 'attachment; filename="watercooler-ca-cert.pem"'
    return response
