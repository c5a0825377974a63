"""`/proxy.pac`: the proxy auto-configuration file browsers fetch to send web traffic through Watercooler.

Public on purpose (browsers fetch it before anyone signs in); it names only the proxy's address.
Plain host names and loopback go direct; so do the domains in `PAC_DIRECT` (e.g. intranet hosts that
need no policy). The company's own community is *not* direct: the proxy counts its minutes for the
engagement trend. Values are written as JSON strings, so a setting can never inject script.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request

bp = Blueprint("pac", __name__)

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
