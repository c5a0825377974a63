"""The whole path of a message: a step writes it to the outbox, the panel's thread delivers it to a real
SMTP server; with the server down, panel requests still answer, nothing is lost, and the status page
says what fails until it is back."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.live_panel import form_token, serve, signed_in
from tests.support.mail_server import MailServer
from tests.support.net import poll
from tests.web.conftest import PASSWORD, THURSDAY_10, make_app
from web.notify.sender import deliver_due, housekeep, start_sender


@pytest.fixture
def mail(tmp_path):
    server = MailServer(tmp_path / "smtp", "starttls", ("watercooler", "s3cret mail"))
    server.start()
    yield server
    server.stop()


def _panel(tmp_path, password_hash, mail: MailServer):
    app = make_app(tmp_path, password_hash)
    app.config.update(mail.settings(), PANEL_URL="https://panel.corp.example/", OUTBOX_FIRST_RETRY_SECONDS=0.2)
    return app


def _ask(client, site="facebook", reason="Posting our job ads this week", hours="8"):
    token = form_token(client.get("/requests/new").text)
    return client.post("/requests/new", data={"site": site, "reason": reason, "hours": hours, "csrf_token": token})


def test_the_manager_gets_the_reason_and_the_person_the_decision_each_with_a_link(tmp_path, password_hash, mail):
    app = _panel(tmp_path, password_hash, mail)
    with serve(app) as url:
        erin, carol = signed_in(url, "erin", PASSWORD), signed_in(url, "carol", PASSWORD)
        _ask(erin)
        assert deliver_due(app) == (1, 0)
        [to_carol] = mail.inbox.wait_for(1)
        inbox = carol.get("/requests/").text
        request_id = re.search(r'action="/requests/(\d+)"', inbox).group(1)
        carol.post(f"/requests/{request_id}", data={"csrf_token": form_token(carol.get("/requests/").text),
                                                   f"r{request_id}-hours": "4", f"r{request_id}-note": "Good luck",
                                                   f"r{request_id}-approve": "y"})
        deliver_due(app)
        to_erin = mail.inbox.wait_for(2)[1]
    assert (to_carol["To"], to_carol["Subject"]) == ("carol@corp.example", "Watercooler: erin asks for Facebook")
    plain = to_carol.get_body(("plain",)).get_content()
    assert "Posting our job ads this week" in plain
    assert f"https://panel.corp.example/requests/#request-{request_id}" in plain     # the very request
    html = to_carol.get_body(("html",)).get_content()
    assert f'href="https://panel.corp.example/requests/#request-{request_id}"' in html
    assert f'id="request-{request_id}"' in inbox
    assert (to_erin["To"], to_erin["Subject"]) == ("erin@corp.example",
                                                   "Watercooler: Your request for Facebook is approved")
    erins = to_erin.get_body(("plain",)).get_content()
    assert "until Thu 26 Nov 14:00" in erins and "Good luck" in erins
    assert f"https://panel.corp.example/me/#request-{request_id}" in erins
    assert "job ads" not in erins.lower()      # the person's own reason went to the deciders only


def test_a_mail_server_that_is_down_loses_nothing_and_delays_no_page(tmp_path, password_hash, mail):
    app = _panel(tmp_path, password_hash, mail)
    stop = start_sender(app, every=0.2)
    try:
        with serve(app) as url:
            erin, ada = signed_in(url, "erin", PASSWORD), signed_in(url, "ada", PASSWORD)
            _ask(erin)
            mail.inbox.wait_for(1)
            mail.stop()
            for site in ("youtube", "facebook"):      # asked while the server is down: answered at once
                assert _ask(erin, site=site, hours="1").status_code == 302
            status = poll(lambda: (page := ada.get("/admin/status").text) and "Connection refused" in page and page,
                          timeout=30, what="the failed delivery on the status page")
            assert "2 messages waiting to be delivered." in status
            mail.start()
            arrived = mail.inbox.wait_for(3)
            poll(lambda: "Nothing waiting to be delivered." in ada.get("/admin/status").text, timeout=30,
                 what="an empty outbox")
    finally:
        stop.set()
    assert [message["Subject"] for message in arrived] == ["Watercooler: erin asks for Facebook",
                                                           "Watercooler: erin asks for YouTube",
                                                           "Watercooler: erin asks for Facebook"]


def test_undecided_requests_expire_and_the_person_is_told(tmp_path, password_hash, mail):
    app = _panel(tmp_path, password_hash, mail)
    with serve(app) as url:
        _ask(signed_in(url, "erin", PASSWORD))
    app.config["CLOCK"] = lambda: THURSDAY_10 + timedelta(days=3, minutes=1)
    housekeep(app)
    deliver_due(app)
    subjects = [message["Subject"] for message in mail.inbox.wait_for(2)]
    assert subjects[1] == "Watercooler: Your request for Facebook expired undecided"


def test_the_status_page_says_what_the_mail_settings_lack(tmp_path, password_hash):
    app = make_app(tmp_path, password_hash)
    app.config.update(SMTP_HOST="mail.corp.example")
    with serve(app) as url:
        page = signed_in(url, "ada", PASSWORD).get("/admin/status").text
    assert "E-mail on; webhook off (no WEBHOOK_URL)." in " ".join(page.split())
    assert "MAIL_DOMAIN is not set: only accounts whose name is an e-mail address get mail." in page
    assert "PANEL_URL is not set: links in messages point to http://127.0.0.1:8081/" in page
