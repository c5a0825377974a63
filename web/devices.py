"""What devices fetch to use the proxy: `/proxy.pac` and the proxy's CA certificate at `/ca.pem`.

Both are public on purpose (browsers and phones fetch them before anyone signs in): the PAC file names
only the proxy's address, the certificate is public by nature (the key never leaves the proxy).
Plain host names and loopback go direct; so do the domains in `PAC_DIRECT` (e.g. intranet hosts that
need no policy). The company's own community is *not* direct: the proxy counts its minutes for the
engagement trend. Values are written as JSON strings, so a setting can never inject script.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file

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


def proxy_address() -> str:
    """`PROXY_ADDRESS` (host:port), else the host this panel was reached on, port 8080."""
    configured = current_app.config.get("PROXY_ADDRESS")
    if configured:
        return str(configured)
    host = urlsplit("//" + request.host).hostname or "localhost"
    return f"[{host}]:8080" if ":" in host else f"{host}:8080"


@bp.get("/proxy.pac")
def proxy_pac() -> Response:
    direct = [str(domain).strip(".").lower() for domain in current_app.config.get("PAC_DIRECT") or []]
    body = TEMPLATE.format(direct=json.dumps(direct), proxy=json.dumps(f"PROXY {proxy_address()}"))
    response = Response(body, mimetype="application/x-ns-proxy-autoconfig")
    response.headers["Cache-Control"] = "max-age=300"
    return response


def ca_certificate() -> Path:
    """`CA_CERT`, else where `watercooler proxy` keeps its CA: DATA/proxy/mitmproxy-ca-cert.pem."""
    configured = current_app.config.get("CA_CERT")
    data = Path(current_app.config["DATA"]) if current_app.config.get("DATA") else data_dir()
    return Path(configured) if configured else data / "proxy" / "mitmproxy-ca-cert.pem"


@bp.get("/ca.pem")
def ca_pem():
    path = ca_certificate()
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="application/x-x509-ca-cert", as_attachment=True,
                     download_name="watercooler-ca-cert.pem")
