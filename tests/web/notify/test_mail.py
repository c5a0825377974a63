"""E-mail to a real SMTP server on loopback: plain, STARTTLS with a login, implicit TLS; both parts, the link."""
from __future__ import annotations

import smtplib

import pytest

from storage.outbox import OutboxMessage
from tests.support.mail_server import MailServer
from web.notify.mail import send_mail


def _message() -> OutboxMessage:
    return OutboxMessage(id=7, channel="email", recipient="erin@corp.example", subject="Watercooler: hello",
                         text="Hello\n\nSee it: https://panel.corp.example/me/\n",
                         html='<p>Hello</p><p><a href="https://panel.corp.example/me/">See it</a></p>')


@pytest.mark.parametrize("security, login", [("none", None), ("starttls", ("watercooler", "s3cret mail")),
                                             ("tls", ("watercooler", "s3cret mail"))])
def test_a_message_arrives_with_a_plain_and_an_html_part(tmp_path, security, login):
    server = MailServer(tmp_path, security, login)
    server.start()
    try:
        send_mail(server.settings(), _message())
        [mail] = server.inbox.wait_for(1)
    finally:
        server.stop()
    assert (mail["To"], mail["From"], mail["Subject"]) == (
        "erin@corp.example", "watercooler@corp.example", "Watercooler: hello")
    assert "https://panel.corp.example/me/" in mail.get_body(("plain",)).get_content()
    assert 'href="https://panel.corp.example/me/"' in mail.get_body(("html",)).get_content()


def test_a_wrong_password_is_an_error_the_sender_keeps_the_message_for(tmp_path):
    server = MailServer(tmp_path, "starttls", ("watercooler", "s3cret mail"))
    server.start()
    try:
        with pytest.raises(smtplib.SMTPException):
            send_mail({**server.settings(), "SMTP_PASSWORD": "wrong"}, _message())
        assert server.inbox.messages == []
    finally:
        server.stop()


def test_the_mail_folder_gets_an_eml_file_instead(tmp_path):
    send_mail({"MAIL_FOLDER": str(tmp_path / "mail")}, _message())
    [written] = (tmp_path / "mail").glob("*.eml")
    assert "Subject: Watercooler: hello" in written.read_text()
