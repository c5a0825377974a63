"""Watercooler's mitmproxy options: declared once, typed, documented, and summarised in one log line.

Every setting is an ordinary mitmproxy option, so it works the same with `--set name=value`, in
mitmproxy's `config.yaml`, and through `watercooler proxy`. mitmproxy ignores a misspelt `--set`
silently; the one-line summary at start shows what is actually in force.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# (name, type, default, help, choices)
OPTIONS: list[tuple[str, Any, Any, str, Sequence[str] | None]] = [
    ("watercooler_rules", str, "rules",
     "Folder of policy files (*.yaml). Reloaded once its files have been left alone for 2 s; a file with "
     "errors, or rules that lost a file or entries without 'confirm-removal', keep the last good policy "
     "running and log why with file:line.", None),
    ("watercooler_db", str | None, None,
     "Usage database URL (sqlite:///path or postgresql+psycopg://...). Unset: usage is kept in memory, "
     "so quotas reset when the proxy restarts.", None),
    ("watercooler_db_connect_timeout", int, 3,
     "Seconds one connection attempt to the usage database (PostgreSQL) may take, answer included; "
     "then the attempt fails and is retried, and usage waits in the spool.", None),
    ("watercooler_db_statement_timeout", int, 10,
     "Seconds one statement of the proxy's usage storage may run: PostgreSQL's statement_timeout, and "
     "on SQLite how long a write waits for another process's lock. Schema upgrades are exempt.", None),
    ("watercooler_db_stall_after", int, 15,
     "Seconds a call of the usage writer may wait for the database before the database counts as "
     "stalled (connection open, no answer): logged once, shown in the proxy's health report.", None),
    ("watercooler_fail", str, "closed",
     "What happens when a request cannot be decided (an internal error): 'closed' shows the 'policy "
     "unavailable' page; 'open' lets the request through and logs a warning for each one.", ("closed", "open")),
    ("watercooler_users", str | None, None,
     "File mapping client addresses to users, one 'IP-OR-CIDR USER' a line, for kiosks and fixed "
     "desktops. Proxy authentication wins when both apply; unknown clients are anonymous.", None),
    ("watercooler_secret", str | None, None,
     "File with the secret that signs warn-page Continue tokens. Unset: 'watercooler-secret' in the "
     "confdir, created on first start. Share it between proxies behind one load balancer.", None),
    ("watercooler_panel_url", str | None, None,
     "Base URL of the Watercooler panel, for the 'my policy' and 'ask for access' links on the pages "
     "employees see (e.g. https://watercooler.corp.example).", None),
    ("watercooler_no_ca", bool, False,
     "For organisations that do not install the Watercooler CA on their devices: never decrypt; refuse "
     "blocked and warned HTTPS sites at CONNECT with 403 and an X-Watercooler-Reason header (browsers "
     "show their own error), and CONNECTs to bare IP addresses unless the rules' 'unnamed' setting allows "
     "the person; tunnel everything else. Plain-HTTP pages still show.", None),
    ("watercooler_auth", str, "",
     "'panel': employees log in to the proxy with their panel account (needs watercooler_db, the panel's "
     "database; do not set proxyauth as well). Empty: mitmproxy's proxyauth option decides (htpasswd, "
     "single user, LDAP) or nobody logs in. 'directory': employees log in with their directory password, "
     "checked with the WATERCOOLER_DIRECTORY_* settings the panel uses.", ("", "panel", "directory")),
    ("watercooler_auth_cache", int, 60,
     "Seconds a successful panel login is remembered; a changed password or a disabled account takes "
     "effect on the proxy at the latest after this long.", None),
    ("watercooler_ldap_cache", int, 300,
     "Seconds a successful LDAP proxy login is remembered (0: ask the directory every time).", None),
    ("watercooler_max_connections", int, 0,
     "Client connections open at once. 0: as many as the open-file limit leaves room for (the proxy raises "
     "its limit to the hard limit at start and logs the figure). When full, the oldest connection that has "
     "not sent a request yet is closed to make room; if none, a new one is answered 503.", None),
    ("watercooler_max_per_client", int, 256,
     "Client connections open at once from one address (0: no cap of its own). One browser uses up to "
     "about 32 with a proxy; offices behind NAT, terminal servers and guest networks share one address: "
     "raise it (about 40 per person) or set 0 there.", None),
    ("watercooler_head_timeout", int, 30,
     "Seconds a new connection may take to send a complete request head (or CONNECT); then it is closed. "
     "Covers connections that send nothing at all and half-sent heads.", None),
    ("watercooler_hello_timeout", int, 30,
     "Seconds a connection may take after CONNECT to send its TLS ClientHello; then it is closed. Tunnels "
     "and WebSockets that have started are never timed out by Watercooler.", None),
    ("watercooler_log_addresses", bool, False,
     "Log client addresses and ports (mitmproxy's per-connection lines). Off: no address reaches the "
     "log, as docs/privacy.md promises. For troubleshooting only: logs kept with it on identify devices, "
     "and whoever turns it on deletes them when done.", None),
    ("watercooler_login_only", bool, False,
     "For the proxy port behind the remote endpoint (TLS terminator): every client must sign in (needs "
     "watercooler_auth=panel or proxyauth other than 'any'); client addresses identify nobody (watercooler_users "
     "is refused), match none of the rules' networks, and are not capped per address.", None),
    ("watercooler_worker_channel", int, -1,
     "Set by 'watercooler proxy --workers N' on each worker: the file descriptor of its line to the "
     "supervisor (readiness; Continues shared between workers). -1: not a worker.", None),
    ("watercooler_map_hosts", Sequence[str], [],
     "Test only: send connections for HOST[:PORT] (or *:PORT) to IP:PORT instead, e.g. "
     "'*:443=127.0.0.1:8443'. Never set this in production.", None),
    ("watercooler_test_clock", str, "",
     "Test only: run the policy clock from this moment (ISO 8601 with offset), optionally faster, and "
     "optionally reading that moment at a given real UNIX time so several proxies agree: "
     "'2026-11-26T12:59:57+01:00x60@1795000000'. Empty: real time.", None),
    ("watercooler_test_fault", str, "",
     "Test only: 'decide' makes every decision raise an error, to show that failures do not let "
     "traffic through.", ("", "decide")),
]

SUMMARISED = ["watercooler_rules", "watercooler_db", "watercooler_db_connect_timeout",
              "watercooler_db_statement_timeout", "watercooler_db_stall_after", "watercooler_fail", "watercooler_users",
              "watercooler_secret", "watercooler_panel_url", "watercooler_no_ca", "watercooler_auth",
              "watercooler_auth_cache", "watercooler_ldap_cache", "watercooler_max_connections",
              "watercooler_max_per_client", "watercooler_head_timeout", "watercooler_hello_timeout",
              "watercooler_log_addresses", "watercooler_login_only", "watercooler_worker_channel",
              "watercooler_map_hosts",
              "watercooler_test_clock", "watercooler_test_fault", "proxyauth", "connection_strategy", "confdir"]


# Declared by the panel-login part (`PanelAuth.load`, panel_auth.py), which the Watercooler addon calls
# first from its own `load`: the part keeps its options with it.
PANEL_AUTH_OPTIONS = ("watercooler_auth", "watercooler_auth_cache")


def declare(loader: Any, names: Sequence[str] | None = None) -> None:
    """Declare the options named (default: all but the panel-login ones)."""
    for name, typespec, default, help_text, choices in OPTIONS:
        if (name in names) if names is not None else (name not in PANEL_AUTH_OPTIONS):
            loader.add_option(name, typespec, default, help_text, choices)


def summary(options: Any, policy_files: int | None) -> str:
    """The effective settings in one line; secrets and passwords are never printed."""
    parts = []
    for name in SUMMARISED:
        value = getattr(options, name, None)
        if name == "proxyauth" and value:
            value = _describe_auth(value)
        if name == "watercooler_db" and value:
            value = _hide_password(value)
        if isinstance(value, (list, tuple)):
            value = ",".join(value) or "-"
        parts.append(f"{name.removeprefix('watercooler_')}={value if value not in (None, '') else '-'}")
    loaded = f"{policy_files} policy file(s)" if policy_files is not None else "NO POLICY"
    return f"Watercooler is enforcing ({loaded}): " + " ".join(parts)


def _describe_auth(spec: str) -> str:
    if spec == "any":
        return "any"
    if spec.startswith("@"):
        return "htpasswd:" + spec[1:]
    if spec.startswith("ldap"):
        return spec.split(":", 1)[0] + ":" + spec.split(":")[1]
    return "single-user"


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}{sep}{userinfo.split(':', 1)[0]}:***@{host}"
