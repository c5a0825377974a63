"""`watercooler remote-endpoint`: the secure web proxy for remote staff, HAProxy in front of login-only proxies.

It checks the certificate and key, checks that every proxy behind it asks for a login (a request
without credentials must get 407: a port that answered anything else would let remote clients in
unnamed, or named by the endpoint's own address), writes the HAProxy configuration and runs HAProxy
in the foreground (or, with `--config-only`, only writes it).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from cli.panel import listen_address

LOGIN_ONLY = "X-Watercooler-Login-Only:"    # proxy_addons/auth/login_only.py's header
CHECK_REQUEST = (b"GET http://login-check.watercooler.invalid/ HTTP/1.1\r\n"
                 b"Host: login-check.watercooler.invalid\r\nConnection: close\r\n\r\n")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "remote-endpoint", help="run the TLS proxy endpoint for remote staff (HAProxy)",
        description="Terminate TLS from browsers (PAC 'HTTPS host:port') with HAProxy and relay to proxies "
                    "started with 'watercooler proxy --login-only'. See 'Remote staff' in docs/deploy.md.")
    parser.add_argument("--cert", required=True, type=Path, metavar="FILE",
                        help="the endpoint's certificate (PEM, intermediates after it)")
    parser.add_argument("--key", required=True, type=Path, metavar="FILE", help="its private key (PEM, unencrypted)")
    parser.add_argument("--listen", required=True, type=listen_address, metavar="HOST:PORT",
                        help="where remote browsers connect, e.g. 0.0.0.0:8443")
    parser.add_argument("--to", dest="upstreams", action="append", required=True, type=listen_address,
                        metavar="HOST:PORT", help="a login-only proxy port (repeatable: one per worker)")
    parser.add_argument("--folder", type=Path, metavar="DIR",
                        help="where the HAProxy configuration is written (default: DATA/remote-endpoint)")
    parser.add_argument("--config-only", action="store_true", help="write the configuration, do not run HAProxy")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cli.haproxy_config import CertificateProblem, check_pair, write_config
    from storage.db import data_dir
    from storage.privacy.private import restrict_umask

    restrict_umask()
    try:
        check_pair(args.cert, args.key)
    except CertificateProblem as problem:
        return _fail(str(problem))
    for host, port in args.upstreams:
        refusal = login_problem(host, port)
        if refusal:
            return _fail(refusal)
    folder = (args.folder or data_dir() / "remote-endpoint").expanduser()
    try:
        config = write_config(folder, args.listen, args.cert, args.key, args.upstreams, maxconn=connection_room())
    except OSError as exc:
        return _fail(f"cannot write the configuration in {folder} ({exc.strerror or exc}); give --folder DIR")
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    command = [haproxy or "haproxy", "-db", "-f", str(config)]
    if args.config_only:
        print(f"HAProxy configuration written to {config}\nRun it with:  {' '.join(command)}")
        return 0
    if haproxy is None:
        return _fail("HAProxy is not installed (Debian/Ubuntu: apt-get install haproxy); "
                     f"the configuration is in {config}")
    checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    if checked.returncode != 0:
        return _fail(f"HAProxy refused {config}:\n{(checked.stdout + checked.stderr).strip()}")
    host, port = args.listen
    print(f"Remote endpoint on https://{host}:{port} for {len(args.upstreams)} login-only proxy port(s); "
          f"PAC entry: HTTPS {host}:{port}. Stop with Ctrl-C.", flush=True)
    os.execv(haproxy, command)        # HAProxy in the foreground, in this process: signals reach it as they are


def connection_room() -> int:
    """Connections HAProxy can hold at once: each takes two descriptors (client and proxy side) of the
    open-file limit HAProxy can raise itself to; at most 20,000."""
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = hard if hard != resource.RLIM_INFINITY else 1 << 20
    return max(100, min(20_000, (limit - 100) // 2))


def login_problem(host: str, port: int) -> str | None:
    """Why the proxy at host:port must not be behind the endpoint, or None when it asks for a login."""
    try:
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(CHECK_REQUEST)
            answer = sock.makefile("rb")
            status = answer.readline(200).split(b" ")
            head = _head(answer)
    except OSError as exc:
        return (f"no proxy answers at {host}:{port} ({exc.strerror or exc}); start it first with "
                f"'watercooler proxy --login-only --listen {host}:{port} …'")
    code = status[1].decode("ascii", "replace") if len(status) > 1 else "no HTTP status"
    if code != "407" or LOGIN_ONLY.lower() not in head.lower():
        said = f"answered {code}, not 407" if code != "407" else "is not a login-only proxy"
        return (f"the proxy at {host}:{port} {said} to a request without a login: behind the remote endpoint "
                "every client has the endpoint's address, so that port must require a login and identify nobody by "
                f"address. Start it with 'watercooler proxy --login-only --set watercooler_auth=panel "
                f"--listen {host}:{port}'")
    return None


def _head(answer) -> str:
    """The header lines of an answer, up to the blank line (at most 100 lines)."""
    lines = []
    for _ in range(100):
        line = answer.readline(8192)
        if line in (b"\r\n", b"\n", b""):
            break
        lines.append(line)
    return b"".join(lines).decode("latin-1")


def _fail(message: str) -> int:
    print(f"watercooler remote-endpoint: {message}", file=sys.stderr)
    return 2
