"""From an event to outbox rows: one e-mail per recipient with an address, one webhook post per event.

Settings (see docs/panel.md, "Notifications"): `SMTP_HOST` or `MAIL_FOLDER` turn e-mail on,
`MAIL_DOMAIN` gives each account `name@MAIL_DOMAIN` (a name that is itself an address is used as is),
`PANEL_URL` is where links point, `WEBHOOK_URL` and `WEBHOOK_FORMAT` (json, slack, teams) the webhook.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from storage.outbox import OutboxMessage
from web.notify.events import Event
from web.notify.messages import compose
from web.notify.webhook import payload

DEFAULT_PANEL_URL = "http://127.0.0.1:8081/"


def address_of(name: str, domain: str | None) -> str | None:
    """An account's e-mail address: the name itself when it is one, else `name@domain` (None: no domain)."""
    if "@" in name:
        return name
    return f"{name}@{domain}" if domain else None


def mail_on(config: Mapping[str, Any]) -> bool:
    return bool(config.get("SMTP_HOST") or config.get("MAIL_FOLDER"))


class Notifier:
    """A `Tell` that writes to the outbox in the caller's transaction."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.mail = mail_on(config)
        self.domain = config.get("MAIL_DOMAIN")
        self.base = (config.get("PANEL_URL") or DEFAULT_PANEL_URL).rstrip("/")
        self.webhook_url = config.get("WEBHOOK_URL")
        self.webhook_format = config.get("WEBHOOK_FORMAT") or "json"

    def __call__(self, db: Session, event: Event) -> None:
        link = self.base + event.path
        if self.mail:
            for name in event.to:
                address = address_of(name, self.domain)
                if address:
                    subject, text, html = compose(event, link)
                    db.add(OutboxMessage(channel="email", recipient=address, subject=subject, text=text, html=html))
        if self.webhook_url:
            db.add(OutboxMessage(channel="webhook", recipient=self.webhook_url, subject=event.headline,
                                 text="", html="", payload=payload(event, link, self.webhook_format)))
