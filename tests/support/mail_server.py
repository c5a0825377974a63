"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed: for the panel's e-mail."""
from __future__ import annotations

import ssl
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.net import free_port
from tests.support.tls_certs import make_pki


class Inbox:
    """The aiosmtpd handler: every accepted message, parsed, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.changed:
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
            self.changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, deadline_s: float = 30) -> list[EmailMessage]:
        """The first `count` messages, once they have arrived (AssertionError after the deadline)."""
        end = time.monotonic() + deadline_s
        with self.changed:
            while len(self.messages) < count:
                left = end - time.monotonic()
                assert left > 0, f"{len(self.messages)} of {count} messages arrived"
                self.changed.wait(left)
            return list(self.messages[:count])


def _authenticate(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(), password.encode())
        return AuthResult(success=ok)
    return check


class MailServer:
    """Started on a free port with `security` none, starttls or tls; `stop()` and `start()` keep the port."""

    def __init__(self, folder: Path, security: str = "none", login: tuple[str, str] | None = None) -> None:
        self.inbox, self.security, self.login = Inbox(), security, login
        self.port, self.controller = free_port(), None
        pki = make_pki(folder, ["localhost", "127.0.0.1"])
        self.ca_file = str(pki.ca_pem)
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(pki.cert_pem, pki.key_pem)

    def start(self) -> None:
        options: dict = {}
        if self.security == "starttls":
            options.update(tls_context=self.tls, require_starttls=True)
        if self.login:
            options.update(authenticator=_authenticate(*self.login), auth_required=True,
                           auth_require_tls=self.security == "starttls")  # implicit TLS: aiosmtpd sees no STARTTLS
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     ssl_context=self.tls if self.security == "tls" else None,
                                     server_hostname="localhost", **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        """The panel's settings that send to this server."""
        found = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_SECURITY": self.security,
                 "SMTP_CA_FILE": self.ca_file, "SMTP_TIMEOUT": 5, "MAIL_FROM": "watercooler@corp.example",
                 "MAIL_DOMAIN": "corp.example"}
        if self.login:
            found.update(SMTP_USER=self.login[0], SMTP_PASSWORD=self.login[1])
        return found
