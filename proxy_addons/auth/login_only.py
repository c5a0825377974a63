"""`watercooler_login_only`: the proxy port behind the remote endpoint, where an address names nobody.

Remote staff reach the proxy through a TLS terminator (`watercooler remote-endpoint`, HAProxy) that
connects from its own address, so every remote client arrives from the same loopback address. On such
a port a client address must never say who someone is, nor where they are: every client signs in
(a proxy login is required), the static address map is refused, the rules' `networks:` see no address
(remote staff are on none of the office networks), and there is no per-address connection cap (all
clients share one address). Its 407 says so in a header, which `remote-endpoint` checks.
"""
from __future__ import annotations

from typing import Any

HEADER = "X-Watercooler-Login-Only"     # on the 407 of a login-only proxy: `remote-endpoint` relays only to those
OPTIONS = {"watercooler_login_only", "proxyauth", "watercooler_auth", "watercooler_users"}


def check(opts: Any) -> None:
    """ValueError with the fix when a login-only proxy could let anyone in unnamed or named by address."""
    if not opts.watercooler_login_only:
        return
    if not opts.proxyauth and opts.watercooler_auth not in ("panel", "directory"):
        raise ValueError("watercooler_login_only needs a proxy login: set watercooler_auth=panel or proxyauth "
                         "(@htpasswd, ldap:…); without one, remote clients would reach the web unnamed")
    if opts.proxyauth == "any":
        raise ValueError("watercooler_login_only with proxyauth=any accepts any password: use watercooler_auth=panel, "
                         "an @htpasswd file or ldap:… so remote staff sign in with their own account")
    if opts.watercooler_users:
        raise ValueError("watercooler_users maps client addresses to people, but behind the remote endpoint every "
                         "client has the endpoint's address: leave it unset on a login-only proxy")
