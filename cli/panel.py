"""`watercooler panel`: serve the web panel (waitress, a production WSGI server)."""
from __future__ import annotations

import argparse
import sys

DEFAULT_LISTEN = "127.0.0.1:8081"   # the proxy takes 8080


def listen_address(text: str) -> tuple[str, int]:
    """HOST:PORT, [IPV6]:PORT or :PORT (all interfaces) -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT (e.g. {DEFAULT_LISTEN} or :8081)")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "panel", help="serve the web panel for admins, managers and employees",
        description="Serve the panel. Settings not given here come from WATERCOOLER_* variables.")
    parser.add_argument("--listen", type=listen_address, default=listen_address(DEFAULT_LISTEN),
                        metavar="HOST:PORT", help=f"address to serve on (default {DEFAULT_LISTEN})")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $WATERCOOLER_DB, or SQLite in ./data)")
    parser.add_argument("--rules", metavar="DIR", help="policy folder (default: $WATERCOOLER_RULES, or ./rules)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from waitress import serve

    from storage.db import StorageError, describe
    from web import create_app
    from web.retention import start_purger

    overrides = {key: value for key, value in (("DB", args.db), ("RULES", args.rules)) if value}
    try:
        app = create_app(overrides)  # brings the database up to the newest schema first
    except StorageError as exc:
        print(f"watercooler panel: {exc.args[0].splitlines()[0]}", file=sys.stderr)
        return 1
    start_purger(app)  # forgets usage older than RETENTION_DAYS, now and once a day
    host, port = args.listen
    shown = f"[{host}]" if ":" in host else host
    print(f"Watercooler panel on http://{shown}:{port}/ (database {describe(app.config['DB'])})", flush=True)
    serve(app, host=host, port=port, threads=8, ident="watercooler")
    return 0
