"""`watercooler panel`: serve the web panel (waitress, a production WSGI server)."""
from __future__ import annotations

import argparse
import socket
import sys
import threading

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
    parser.add_argument("--demo", action="store_true",
                        help="add the demo accounts and seven weeks of simulated usage (once), and print the accounts")
    parser.set_defaults(func=run)


def prepare(db: str | None, rules: str | None, demo: bool, proxy_address: str | None = None):
    """The app, its database migrated (and seeded for a demo), its purge scheduled; StorageError if unusable."""
    from web import create_app
    from web.directory import start_sync
    from web.notify.sender import start_sender
    from web.retention import start_purger

    app = create_app({key: value for key, value in (("DB", db), ("RULES", rules), ("PROXY_ADDRESS", proxy_address))
                      if value})
    if demo:
        _demo_mail(app)
        _seed_demo(app)
    start_purger(app)  # forgets usage older than RETENTION_DAYS, now and once a day
    start_sender(app)  # expires requests, warns of grants ending, delivers e-mail and webhooks
    start_sync(app)    # the company directory's groups, now and every refresh interval (when configured)
    return app


def address_of(host: str, port: int) -> str:
    """HOST:PORT as a client on this machine reaches a server listening on (host, port)."""
    shown = "127.0.0.1" if host == "0.0.0.0" else f"[{host}]" if ":" in host else host
    return f"{shown}:{port}"


def url_of(host: str, port: int) -> str:
    return f"http://{address_of(host, port)}/"


def server_settings(app) -> dict:
    """waitress's settings from the app's SERVER_* settings: idle connections wait in the event loop
    (poll(), not select(), so more than 1024 sockets are fine) and are closed after the channel timeout,
    so a crowd of idle or slow clients neither takes the threads nor keeps a normal request out."""
    timeout = int(app.config["SERVER_CHANNEL_TIMEOUT"])
    return {"threads": int(app.config["SERVER_THREADS"]),
            "connection_limit": int(app.config["SERVER_CONNECTION_LIMIT"]), "channel_timeout": timeout,
            "cleanup_interval": max(1, min(30, timeout // 2)), "asyncore_use_poll": True, "ident": "watercooler"}


def port_taken(host: str, port: int) -> str | None:
    """Why a server could not listen on (host, port) now, e.g. 'address already in use'; None if it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as waitress does
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (exc.strerror or str(exc)).lower()
    return None


def serve_in_background(app, host: str, port: int) -> threading.Thread:
    """Serve `app` from a daemon thread (for `watercooler demo`, which runs the proxy in front)."""
    from waitress.server import create_server

    server = create_server(app, host=host, port=port, **server_settings(app))
    thread = threading.Thread(target=server.run, name="watercooler-panel", daemon=True)
    thread.start()
    return thread


def start_demo_panel(rules: str, listen: str = DEFAULT_LISTEN, proxy_address: str | None = None) -> str | None:
    """For `watercooler demo`: the panel with the demo accounts and usage, served in the background, its
    /proxy.pac naming `proxy_address`. Returns its URL, or None (with a sentence on stderr) when it cannot start."""
    from storage.db import StorageError
    from web.notify.settings import SettingsError

    host, port = listen_address(listen)
    try:
        app = prepare(None, rules, demo=True, proxy_address=proxy_address)
        serve_in_background(app, host, port)
    except (StorageError, SettingsError, OSError) as exc:
        # The demo's proxy logs people in with the panel's accounts: without the panel there is no demo.
        print(f"watercooler demo: the panel did not start on {address_of(host, port)} ({exc}); "
              "give another address with --panel-listen HOST:PORT", file=sys.stderr)
        return None
    print(f"Watercooler panel on {url_of(host, port)}", flush=True)
    return url_of(host, port)


def run(args: argparse.Namespace) -> int:
    from waitress import serve

    from storage.db import StorageError, describe
    from storage.privacy.private import restrict_umask

    restrict_umask()   # the database, the secret key, anything a library writes: owner-only

    from web.notify.settings import SettingsError

    try:
        app = prepare(args.db, args.rules, args.demo)
    except (StorageError, SettingsError) as exc:
        print(f"watercooler panel: {exc.args[0].splitlines()[0]}", file=sys.stderr)
        return 1
    host, port = args.listen
    from web.db import EXTENSION
    database = describe(app.extensions[EXTENSION].kw["bind"].url)
    print(f"Watercooler panel on {url_of(host, port)} (database {database})", flush=True)
    serve(app, host=host, port=port, **server_settings(app))
    return 0


def _demo_mail(app) -> None:
    """The demo's messages go to .eml files in the data folder (unless a mail server is set), so a
    newcomer can open what managers and employees would receive."""
    from pathlib import Path

    from storage.db import data_dir
    from web.notify.notifier import mail_on

    if mail_on(app.config):
        return
    folder = (Path(app.config["DATA"]) if app.config["DATA"] else data_dir()) / "demo-mail"
    app.config.update(MAIL_FOLDER=str(folder), MAIL_DOMAIN=app.config["MAIL_DOMAIN"] or "northwind.example")
    print(f"Demo mail: messages to managers and employees are written as .eml files to {folder}/")


def _seed_demo(app) -> None:
    from pathlib import Path

    from storage.db import data_dir
    from web.clock import now
    from web.db import db
    from web.demo import seed_accounts, seed_usage
    from web.policy_source import PolicyUnavailable, current_policy

    with app.app_context():
        accounts = seed_accounts(db(), Path(app.config["DATA"]) if app.config["DATA"] else data_dir())
        try:
            minutes = seed_usage(db(), current_policy(), now())
        except PolicyUnavailable as exc:
            print(f"watercooler panel: no demo usage: the rules do not load ({exc})", file=sys.stderr)
            minutes = 0
    if minutes:
        print(f"Demo: seeded {minutes:,} simulated minutes of usage (marked as demo data in the panel).")
    print("Demo accounts (sign in at the panel):")
    for account in accounts:
        print(f"  {account.role:<9} {account.name:<15} password {account.password}")
    sys.stdout.flush()
