"""The webhook's three formats carry the headline and the link, never the reason nor the note; and
through the panel, a new request reaches a real receiver as one JSON post."""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from tests.support.live_panel import form_token, serve, signed_in
from tests.support.net import poll
from tests.support.webhook_receiver import webhook_receiver
from tests.web.conftest import PASSWORD, make_app
from web.notify.events import Event
from web.notify.sender import deliver_due
from web.notify.webhook import payload

EVENT = Event("request.created", "erin", "facebook", "Facebook", ("carol",), "/requests/", ZoneInfo("Europe/Berlin"),
              reason="Posting our job ads", note=None, hours=8, request_id=3)
LINK = "https://panel.corp.example/requests/"


@pytest.mark.parametrize("form", ["json", "slack", "teams"])
def test_each_format_has_the_headline_and_link_and_no_reason(form):
    body = json.dumps(payload(EVENT, LINK, form))
    assert "erin asks for Facebook" in body and LINK in body and "job ads" not in body


def test_the_formats_are_what_slack_and_teams_take():
    assert payload(EVENT, LINK, "slack") == {"text": f"erin asks for Facebook. <{LINK}|Open in Watercooler>"}
    teams = payload(EVENT, LINK, "teams")
    assert teams["@type"] == "MessageCard" and teams["potentialAction"][0]["targets"][0]["uri"] == LINK
    own = payload(EVENT, LINK, "json")
    assert (own["event"], own["person"], own["site"], own["hours"]) == ("request.created", "erin", "facebook", 8)
    with pytest.raises(ValueError, match="WEBHOOK_FORMAT 'xml' is not one of json, slack, teams"):
        payload(EVENT, LINK, "xml")


def test_a_request_posts_one_message_to_the_webhook(tmp_path, password_hash):
    app = make_app(tmp_path, password_hash)
    with webhook_receiver() as (url, received), serve(app) as panel:
        app.config.update(WEBHOOK_URL=url, WEBHOOK_FORMAT="slack", PANEL_URL="https://panel.corp.example")
        erin = signed_in(panel, "erin", PASSWORD)
        erin.post("/requests/new", data={"site": "facebook", "reason": "Job ads", "hours": "8",
                                         "csrf_token": form_token(erin.get("/requests/new").text)})
        assert deliver_due(app) == (1, 0)
    assert received == [("application/json",
                         {"text": f"erin asks for Facebook. <{LINK}#request-1|Open in Watercooler>"})]


def test_a_refusing_receiver_gets_the_message_once_it_accepts(tmp_path, password_hash):
    app = make_app(tmp_path, password_hash)
    with webhook_receiver() as (url, received), serve(app) as panel:
        app.config.update(WEBHOOK_URL=url, OUTBOX_FIRST_RETRY_SECONDS=0.05)
        erin = signed_in(panel, "erin", PASSWORD)
        received.status = 500
        asked = erin.post("/requests/new", data={"site": "facebook", "reason": "Job ads", "hours": "8",
                                                 "csrf_token": form_token(erin.get("/requests/new").text)})
        assert asked.status_code == 302
        assert deliver_due(app) == (0, 1)
        ada = signed_in(panel, "ada", PASSWORD)
        status = ada.get("/admin/status").text
        assert "1 message waiting to be delivered." in status and "HTTP Error 500" in status
        received.status = 204
        poll(lambda: deliver_due(app)[0], timeout=10, what="the retry after the backoff")
        assert "Nothing waiting to be delivered." in ada.get("/admin/status").text
    assert [body["event"] for _, body in received] == ["request.created"]
