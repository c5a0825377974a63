"""Each e-mail says what happened in the person's words, links the page, and keeps private things private."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from web.notify.events import Event
from web.notify.messages import compose

BERLIN = ZoneInfo("Europe/Berlin")
UNTIL = datetime(2026, 11, 26, 13, 0, tzinfo=timezone.utc)


def test_the_decision_names_who_decided_the_note_and_until_when_in_local_time():
    event = Event("request.approved", "erin", "facebook", "Facebook", ("erin",), "/me/", BERLIN, by="carol",
                  note="Good luck", until=UNTIL)
    subject, text, html = compose(event, "https://panel.corp.example/me/")
    assert subject == "Watercooler: Your request for Facebook is approved"
    assert "Approved by carol: you may use Facebook until Thu 26 Nov 14:00." in text
    assert "Note: “Good luck”" in text and "See it on your page: https://panel.corp.example/me/" in text
    assert '<a href="https://panel.corp.example/me/">See it on your page</a>' in html


def test_html_is_escaped():
    event = Event("request.created", "erin", "facebook", "Facebook", ("carol",), "/requests/", BERLIN,
                  reason="<script>alert(1)</script>", hours=8)
    _, text, html = compose(event, "https://panel.corp.example/requests/")
    assert "<script>" in text and "<script>" not in html and "&lt;script&gt;" in html


def test_an_ending_grant_says_when():
    event = Event("grant.ending", "erin", "youtube", "YouTube", ("erin",), "/me/", BERLIN, until=UNTIL)
    _, text, _ = compose(event, "https://panel.corp.example/me/")
    assert "Your access to YouTube ends at Thu 26 Nov 14:00." in text
