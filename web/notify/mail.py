"""Sending one e-mail: over SMTP (STARTTLS, implicit TLS or plain; a login when a user is set), or, for
the demo and for trying things out, as a .eml file in `MAIL_FOLDER`.

Settings: `SMTP_HOST`, `SMTP_PORT` (587), `SMTP_SECURITY` (`starttls`, `tls` or `none`), `SMTP_USER`,
`SMTP_PASSWORD`, `SMTP_TIMEOUT` (seconds, 10), `MAIL_FROM`. Any failure raises OSError or smtplib's
errors; the sender keeps the message and tries again later.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from storage.outbox import OutboxMessage

SECURITIES = ("starttls", "tls", "none")


def as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The message with a plain-text part and an HTML alternative."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, message.recipient, message.subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def send_mail(config: Mapping[str, Any], message: OutboxMessage) -> None:
    mail = as_email(message, config.get("MAIL_FROM") or "watercooler@localhost")
    folder = config.get("MAIL_FOLDER")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{message.id:06d}-{message.recipient}.eml").write_bytes(bytes(mail))
        return
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587)
    security = (config.get("SMTP_SECURITY") or "starttls").lower()
    if security not in SECURITIES:
        raise ValueError(f"SMTP_SECURITY {security!r} is not one of {', '.join(SECURITIES)}")
    timeout = float(config.get("SMTP_TIMEOUT") or 10)
    context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
    if security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if security == "starttls":
            client.starttls(context=context)
        if config.get("SMTP_USER"):
            client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        client.send_message(mail)
