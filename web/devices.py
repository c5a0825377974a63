"""What devices fetch to use the proxy: `/proxy.pac` and the proxy's CA certificate at `/ca.pem`.

Both are public on purpose (browsers and phones fetch them before anyone signs in): the PAC file names
only the proxies' addresses, the certificate is public by nature (the key never leaves the proxy).
Plain host names and loopback go direct; so do the domains in `PAC_DIRECT` (e.g. intranet hosts that
need no policy). The company's own community is *not* direct: the proxy counts its minutes for the
engagement trend (it is only the last resort, web/pac.py). Values are written as JSON strings, so a
setting can never inject script.

The PAC file is built from settings (`PROXY_ADDRESS`, `PROXY_WORKERS`, `PROXY_FALLBACK`, `REMOTE_PROXY`,
`REMOTE_FALLBACK`, `PAC_OFFICE_NETWORKS`, `PAC_LAST_RESORT`) and the rules' networks, never from the
request's Host header (which anyone can forge, and a cache could then hand to everyone); without
`PROXY_ADDRESS` it is a 404 saying so, and a setting it cannot use is a 500 naming it and the fix.
`/ca.pem` serves only a file made of PEM certificates: one that holds a private key (mitmproxy's
`mitmproxy-ca.pem` is key and certificate together) or anything else is refused, with the fix.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app

from storage.db import data_dir
from web import pac
from web.policy_source import PolicyUnavailable, current_policy

bp = Blueprint("devices", __name__)

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
    try:
        body = pac.render(pac_plan(address))
    except PacSettingError as problem:      # the admin's to fix: a sentence, never a half-made PAC file
        return Response(f"// {problem}\n", status=500, mimetype="application/x-ns-proxy-autoconfig")
    response = Response(body, mimetype="application/x-ns-proxy-autoconfig")
    response.headers["Cache-Control"] = "max-age=300"
    return response


class PacSettingError(ValueError):
    """A PAC setting that cannot be used: the message names it and the fix."""


def pac_plan(address: str) -> pac.PacPlan:
    config = current_app.config
    last_resort = str(config.get("PAC_LAST_RESORT") or "closed")
    if last_resort not in pac.LAST_RESORTS:
        raise PacSettingError(f"WATERCOOLER_PAC_LAST_RESORT is {last_resort!r}: set DIRECT (unfiltered when every "
                              "proxy is down) or closed (nothing but the community sites)")
    count = config.get("PROXY_WORKERS")
    count = 1 if count is None else count
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 64:
        raise PacSettingError(f"WATERCOOLER_PROXY_WORKERS is {count!r}: give the number of workers per proxy, 1 to 64")
    nodes = [address] + ([_bracketed(config["PROXY_FALLBACK"])] if config.get("PROXY_FALLBACK") else [])
    remote = [_bracketed(config[name]) for name in ("REMOTE_PROXY", "REMOTE_FALLBACK") if config.get(name)]
    networks, community = _from_rules(config.get("PAC_OFFICE_NETWORKS"))
    for name, value in (("PROXY_ADDRESS", address), ("PROXY_FALLBACK", nodes[-1]), ("REMOTE_PROXY", remote[:1]),
                        ("REMOTE_FALLBACK", remote[1:])):
        for one in ([value] if isinstance(value, str) else value):
            if not pac.ADDRESS.fullmatch(one):
                raise PacSettingError(f"WATERCOOLER_{name} is {one!r}: give HOST:PORT, e.g. proxy.corp.example:8080")
    return pac.PacPlan(office=[pac.workers(node, count) for node in nodes], remote=remote,
                       office_networks=networks, community=community, last_resort=last_resort,
                       direct=[str(domain).strip(".").lower() for domain in config.get("PAC_DIRECT") or []])


def _from_rules(wanted: list[str] | None) -> tuple[list, list[str]]:
    """The office networks (the rules' `networks:`, or those named) and the internal community's domains."""
    try:
        doc = current_policy().doc
    except PolicyUnavailable:          # no rules yet: no office is known, so everyone signs in remotely
        return [], []
    unknown = sorted(set(wanted or []) - set(doc.networks))
    if unknown:
        raise PacSettingError(f"WATERCOOLER_PAC_OFFICE_NETWORKS names {', '.join(unknown)}, which the rules do not "
                              f"define; the rules' networks are: {', '.join(sorted(doc.networks)) or 'none'}")
    names = wanted if wanted is not None else sorted(doc.networks)
    internal = {name for name, category in doc.categories.items() if category.internal}
    community = sorted({domain for site in doc.sites.values() if site.category in internal for domain in site.domains})
    return [cidr for name in names for cidr in doc.networks[name].cidrs], community


def _bracketed(configured: str) -> str:
    host, _, port = str(configured).strip().rpartition(":")
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else str(configured).strip()


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
    response = Response(read_ca(path), mimetype="application/x-x509-ca-cert")
    response.headers["Content-Disposition"] = 'attachment; filename="watercooler-ca-cert.pem"'
    return response


def read_ca(path: Path) -> bytes:
    """The PEM certificates in `path`; NotACertificate (with the fix) for a key or anything else."""
    with path.open("rb") as file:
        content = file.read(LARGEST_CA_FILE + 1)
    if b"PRIVATE KEY" in content:
        raise NotACertificate(f"{path} holds a private key, so /ca.pem does not serve it. Set CA_CERT to the "
                              "certificate alone (mitmproxy-ca-cert.pem, not mitmproxy-ca.pem) and keep the key "
                              "readable by the proxy only.")
    if len(content) > LARGEST_CA_FILE or not content.strip() or CERTIFICATE.sub(b"", content).strip():
        raise NotACertificate(f"{path} is not a PEM certificate, so /ca.pem does not serve it. Set CA_CERT to "
                              "the proxy's CA certificate (mitmproxy-ca-cert.pem).")
    return content
