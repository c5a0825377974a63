"""`watercooler proxy`: run the enforcing proxy on a rules folder (mitmproxy in-process)."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from cli.panel import listen_address

DEFAULT_LISTEN = "127.0.0.1:8080"
TRY_URL = "http://www.facebook.com/"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "proxy", help="run the proxy that enforces the rules",
        description="Run the Watercooler proxy. Point browsers (or curl -x) at it. Every setting is a "
                    "mitmproxy option: see docs/deploy.md, and --set NAME=VALUE for the rest.")
    parser.add_argument("--rules", metavar="DIR", help="policy folder, or one rules file (default: "
                        "$WATERCOOLER_RULES, or ./rules)")
    parser.add_argument("--listen", type=listen_address, default=listen_address(DEFAULT_LISTEN),
                        metavar="HOST:PORT", help=f"address to listen on (default {DEFAULT_LISTEN})")
    parser.add_argument("--db", metavar="URL",
                        help="usage database (default: $WATERCOOLER_DB, or SQLite in the data folder)")
    parser.add_argument("--confdir", metavar="DIR",
                        help="where the CA and the warn-token secret live (default: DATA/proxy)")
    parser.add_argument("--panel-url", metavar="URL", default=os.environ.get("WATERCOOLER_PANEL_URL"),
                        help="the panel's address, for links on the pages (default: $WATERCOOLER_PANEL_URL)")
    parser.add_argument("--workers", type=worker_count, default=1, metavar="N",
                        help="run N proxy processes on ports PORT … PORT+N-1, supervised: one per core "
                             "(default 1; see 'Scaling out' in docs/deploy.md)")
    parser.add_argument("--login-only", action="store_true",
                        help="every client signs in and addresses identify nobody: the port behind "
                             "'watercooler remote-endpoint' (needs watercooler_auth=panel or proxyauth)")
    parser.add_argument("--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
                        help="any other option, e.g. --set proxyauth=@users.htpasswd (repeatable)")
    parser.set_defaults(func=run)


def worker_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers from 1 to 64")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from proxy_addons.tunnels.ca import ensure_ca
    from storage.db import StorageError, data_dir, resolve_url
    from storage.privacy.private import restrict_umask

    restrict_umask()   # the spool, the database, the CA: owner-only, whatever the caller's umask

    rules = Path(args.rules or os.environ.get("WATERCOOLER_RULES") or "rules")
    if not rules.exists():      # a folder, or one rules file (its errors then name their line like any other)
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
    if getattr(args, "workers", 1) > 1:     # `watercooler demo` runs one proxy
        return _supervise(args, rules, db, confdir)
    host, port = args.listen
    return _serve(args, rules, db, confdir, host, port, args.extra)


def _serve(args: argparse.Namespace, rules: Path, db: str, confdir: Path, host: str, port: int,
           extra: list[str]) -> int:
    from proxy_addons.inprocess import serve
    from proxy_addons.tunnels.ca import ca_cert_path

    settings = {"listen_host": host, "listen_port": port, "confdir": str(confdir),
                "connection_strategy": "lazy", "watercooler_rules": str(rules), "watercooler_db": db,
                "watercooler_panel_url": args.panel_url}
    if getattr(args, "login_only", False):
        settings["watercooler_login_only"] = "true"

    def announce(addresses: list[tuple[str, int]]) -> list[str]:
        bound = addresses[0] if addresses else (host, port)
        shown = "127.0.0.1" if bound[0] in ("0.0.0.0", "::", "") else bound[0]
        return [f"Watercooler proxy listening on http://{shown}:{bound[1]} (rules: {rules})",
                f"CA certificate for HTTPS pages (install it on devices): {ca_cert_path(confdir)}",
                *([f"Try it:  curl -x http://{shown}:{bound[1]} {TRY_URL}"] if getattr(args, "try_it", True) else []),
                "Stop with Ctrl-C."]

    return asyncio.run(serve(settings, extra, announce, lambda message: _fail(message)))


def _supervise(args: argparse.Namespace, rules: Path, db: str, confdir: Path) -> int:
    """Run `args.workers` proxies, one port each, in forked workers kept running by a supervisor."""
    import proxy_addons.inprocess  # noqa: F401  (imported once here, so a replacement starts at once)
    from cli.workers import Supervisor
    from proxy_addons.enforcing.secret import SecretError, load_or_create_secret, secret_path

    host, port = args.listen
    if port + args.workers - 1 > 65535:
        return _fail(f"--workers {args.workers} needs ports {port} to {port + args.workers - 1}; "
                     "give --listen HOST:PORT with a port that leaves room for them")
    if not any(spec.startswith("watercooler_secret=") for spec in args.extra):
        try:     # made once here, so workers starting together never race to create it
            load_or_create_secret(secret_path("", str(confdir)))
        except SecretError as exc:
            return _fail(str(exc))

    def work(index: int, channel: int) -> int:
        return _serve(args, rules, db, confdir, host, port + index,
                      [*args.extra, f"watercooler_worker_channel={channel}"])

    print(f"Watercooler: {args.workers} proxy workers on ports {port}–{port + args.workers - 1}, supervised "
          "(a worker that stops is started again). Stop with Ctrl-C.", flush=True)
    return asyncio.run(Supervisor(work, args.workers).run())


def _fail(message: str) -> int:
    print(f"watercooler proxy: {message}", file=sys.stderr)
    return 2
