"""`watercooler proxy`: run the enforcing proxy on a rules folder (mitmproxy in-process)."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from cli.panel import listen_address  # noqa: F401  (also used by `demo`)

DEFAULT_LISTEN = "127.0.0.1:8080"
TRY_URL = "http://www.facebook.com/"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "proxy", help="run the proxy that enforces the rules",
        description="Run the Watercooler proxy. Point browsers (or curl -x) at it. Every setting is a "
                    "mitmproxy option: see docs/deploy.md, and --set NAME=VALUE for the rest.")
    parser.add_argument("--rules", metavar="DIR", help="policy folder (default: $WATERCOOLER_RULES, or ./rules)")
    parser.add_argument("--listen", type=listen_address, default=listen_address(DEFAULT_LISTEN),
                        metavar="HOST:PORT", help=f"address to listen on (default {DEFAULT_LISTEN})")
    parser.add_argument("--db", metavar="URL",
                        help="usage database (default: $WATERCOOLER_DB, or SQLite in the data folder)")
    parser.add_argument("--confdir", metavar="DIR",
                        help="where the CA and the warn-token secret live (default: DATA/proxy)")
    parser.add_argument("--panel-url", metavar="URL", default=os.environ.get("WATERCOOLER_PANEL_URL"),
                        help="the panel's address, for links on the pages (default: $WATERCOOLER_PANEL_URL)")
    parser.add_argument("--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
                        help="any other option, e.g. --set proxyauth=@users.htpasswd (repeatable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from proxy_addons.ca import ca_cert_path, ensure_ca
    from proxy_addons.inprocess import serve
    from storage.db import StorageError, data_dir, resolve_url
    from storage.private import restrict_umask

    restrict_umask()   # the spool, the database, the CA: owner-only, whatever the caller's umask

    rules = Path(args.rules or os.environ.get("WATERCOOLER_RULES") or "rules")
    if not rules.is_dir():
        return _fail(f"no rules folder at {rules}; give --rules DIR or set WATERCOOLER_RULES")
    try:
        db = resolve_url(args.db).render_as_string(hide_password=False)
    except StorageError as exc:
        return _fail(str(exc))
    confdir = Path(args.confdir or data_dir() / "proxy").expanduser()
    try:
        ensure_ca(confdir)
    except OSError as exc:
        return _fail(f"cannot create the CA in {confdir} ({exc.strerror or exc}); give --confdir DIR")
    host, port = args.listen
    settings = {"listen_host": host, "listen_port": port, "confdir": str(confdir),
                "connection_strategy": "lazy", "watercooler_rules": str(rules), "watercooler_db": db,
                "watercooler_panel_url": args.panel_url}

    def announce(addresses: list[tuple[str, int]]) -> list[str]:
        bound = addresses[0] if addresses else (host, port)
        shown = "127.0.0.1" if bound[0] in ("0.0.0.0", "::", "") else bound[0]
        return [f"Watercooler proxy listening on http://{shown}:{bound[1]} (rules: {rules})",
                f"CA certificate for HTTPS pages (install it on devices): {ca_cert_path(confdir)}",
                f"Try it:  curl -x http://{shown}:{bound[1]} {TRY_URL}",
                "Stop with Ctrl-C."]

    return asyncio.run(serve(settings, args.extra, announce, lambda message: _fail(message)))


def _fail(message: str) -> int:
    print(f"watercooler proxy: {message}", file=sys.stderr)
    return 2
