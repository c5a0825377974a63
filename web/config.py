"""The panel's settings, in layers: built-in defaults, then `WATERCOOLER_*` variables, then a mapping.

Keys are the environment names without their prefix: `WATERCOOLER_DB` sets `DB`, `WATERCOOLER_RULES`
sets `RULES`, `WATERCOOLER_DATA` sets `DATA` (the data folder the proxy uses too),
`WATERCOOLER_SECRET_KEY` sets `SECRET_KEY`. Values in the environment are read as JSON
when they parse (`WATERCOOLER_MIN_GROUP_SIZE=5` is a number), otherwise as text.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from storage.db import data_dir
from storage.privacy.private import private_folder

DEFAULTS: dict[str, Any] = {
    "DATA": None,                       # the data folder (generated secret, SQLite); None: ./data
    "DB": None,                         # SQLAlchemy URL; None: SQLite in the data folder
    "RULES": "rules",                   # the policy folder the panel reads
    "SECRET_KEY": None,                 # None: generated once and kept in the data folder
    "DB_SETUP": "upgrade",              # at start: "upgrade" (run migrations), "create" (tests), "none"
    "LOGIN_MAX_FAILURES": 5,            # password checks per account name from one address per window
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,   # ... from one address across names
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 50,   # ... for one name from everywhere; then spaced, never stopped
    "LOGIN_SLOW_SECONDS": 5,            # the spacing of checks for an account past its limit
    "LOGIN_WINDOW_SECONDS": 900,
    "TRUSTED_PROXIES": 0,               # reverse proxies in front of the panel whose X-Forwarded-* we trust
    "MIN_GROUP_SIZE": 5,                # every usage figure comes from at least this many people
    "PREVIEWS_PER_HOUR": 10,            # change previews ("would have affected N people") per account
    "DRAFTS": [],                       # draft rules folders admins may replay usage through ("Preview a draft")
    "RETENTION_DAYS": 90,               # usage older than this is purged (daily, by `watercooler panel`)
    "REQUEST_RETENTION_DAYS": 90,       # access requests and grants, this long after they end
    "AUDIT_RETENTION_DAYS": 400,        # audit records older than this are deleted
    "AUDIT_ADDRESS_DAYS": 90,           # audit addresses, failed sign-in names, request reasons: this long
    "PROXY_ADDRESS": None,              # host:port in /proxy.pac; None: this panel's host, port 8080
    "PAC_DIRECT": [],                   # domains /proxy.pac sends direct, not through the proxy
    # workers per office proxy (`watercooler proxy --workers N`): ports PORT…PORT+N-1
    "PROXY_WORKERS": 1,
    "PROXY_FALLBACK": None,             # host:port of a second office proxy, tried after the first
    "REMOTE_PROXY": None,               # host:port of the remote endpoint (TLS); None: everyone uses the office proxy
    "REMOTE_FALLBACK": None,            # host:port of a second remote endpoint
    "PAC_OFFICE_NETWORKS": None,        # names of the rules' networks that are the office; None: all of them
    # the office Wi-Fi the Apple profile points at the PAC file (unsupervised devices)
    "DEVICE_WIFI_SSID": None,
    "ORGANISATION": None,               # the name on device profiles; None: "Watercooler"
    "PAC_LAST_RESORT": "closed",        # when every proxy fails: "closed" (community sites only) or "DIRECT"
    "CA_CERT": None,                    # the proxy's CA certificate for /ca.pem; None: DATA/proxy/
    # notifications (docs/panel.md, "Notifications"); delivered by `watercooler panel`'s background thread
    "PANEL_URL": None,                  # where links in messages point; None: http://127.0.0.1:8081/
    "SMTP_HOST": None,                  # None (and no MAIL_FOLDER): no e-mail
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",        # starttls, tls (implicit, usually port 465) or none
    "SMTP_USER": None,                  # None: no login
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 10,
    "SMTP_CA_FILE": None,               # CA certificates to trust for the mail server; None: the system's
    "MAIL_FROM": "watercooler@localhost",
    "MAIL_DOMAIN": None,                # account NAME gets mail at NAME@MAIL_DOMAIN (a name with @ as is)
    "MAIL_FOLDER": None,                # write messages as .eml files here instead of sending them
    "WEBHOOK_URL": None,                # one JSON POST per event
    "WEBHOOK_FORMAT": "json",           # json, slack or teams
    "WEBHOOK_TIMEOUT": 10,
    "OUTBOX_FIRST_RETRY_SECONDS": 30,   # a failed delivery is tried again after this, doubling up to an hour
    "EXTRA_MINUTES_OPTIONS": [15, 60, "rest of day"],  # what people may ask for when a budget is used up
    "EXTRA_MINUTES_MAX": 240,           # the most minutes one approval adds to a person's day
    "REQUEST_EXPIRY_HOURS": 72,         # undecided requests expire after this
    "GRANT_ENDING_NOTICE_MINUTES": 15,  # people are told this long before a grant ends
    # `watercooler panel`'s server (waitress): idle connections cost no thread, only a socket
    "SERVER_THREADS": 8,                # requests handled at once
    "SERVER_CONNECTION_LIMIT": 500,     # open connections at once (idle ones included); more wait to be accepted
    "SERVER_CHANNEL_TIMEOUT": 30,       # seconds a connection may stay idle before the panel closes it
    # Flask and its extensions
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "watercooler_session",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}

SECRET_FILE = "panel-secret-key"


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill `app.config` from the three layers, then derive what was left open."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("WATERCOOLER")
    if overrides:
        app.config.from_mapping(overrides)
    data = Path(app.config["DATA"]) if app.config["DATA"] else data_dir()
    if app.config["DATA"] and not app.config["DB"]:
        app.config["DB"] = f"sqlite:///{(data / 'watercooler.db').resolve()}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _kept_secret(data / SECRET_FILE)


def _kept_secret(path: Path) -> str:
    """A random key made once and kept, so sessions survive a restart of the panel."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    private_folder(path.parent)
    key = secrets.token_urlsafe(48)
    # Created readable by the owner only: the key signs every session cookie.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another panel process made it a moment ago
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key
