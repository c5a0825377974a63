"""More time when a budget is used up: one tap on the person's page, the manager approves in minutes,
the page shows the budget grown by them, and it stops again once they are used."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from storage.usage.tables import QuotaCharge
from tests.web.conftest import AuthActions, csrf_token
from tests.web.requests.test_views import _request_id, _text
from web.db import db

START = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)    # 08:00 in Berlin, before the page's 10:00


def _use(app, minutes: int, first: int = 0) -> None:
    with app.app_context():
        for i in range(first, first + minutes):
            db().add(QuotaCharge(user_name="erin", rule="social-budget", minute=START + timedelta(minutes=i),
                                 day=date(2026, 11, 26)))
        db().commit()


def test_one_tap_for_fifteen_minutes_then_approved_then_used_up_again(app, client, auth):
    _use(app, 30)
    auth.login("erin")
    page = client.get("/me/").get_data(as_text=True)
    assert "Need more time today?" in page
    assert re.search(r'<button type="submit" name="minutes" value="15" class="primary">15 more minutes</button>', page)
    assert "The rest of the day" in page and "1 more hour" in page
    asked = client.post("/requests/more", data={"csrf_token": csrf_token(page), "site": "facebook", "minutes": "15"})
    assert asked.status_code == 302
    mine = _text(client.get("/me/"))
    assert "Asked carol for 15 more minutes of Facebook today." in mine
    assert "Facebook (15 more minutes today) Pending" in mine

    carol = app.test_client()
    AuthActions(carol).login("carol")
    inbox = carol.get("/requests/").get_data(as_text=True)
    assert "erin asks for Facebook for 15 more minutes today" in _text(carol.get("/requests/"))
    assert '<option selected value="15">15 minutes</option>' in inbox
    request_id = _request_id(app)
    approved = carol.post(f"/requests/{request_id}", data={
        "csrf_token": csrf_token(inbox), f"r{request_id}-minutes": "15", f"r{request_id}-approve": "y"})
    assert approved.status_code == 302
    assert "Approved: erin has 15 more minutes of Facebook today." in _text(carol.get("/requests/"))

    assert "Facebook Open · 15 of 45 min left today" in _text(client.get("/me/"))
    _use(app, 15, first=30)
    assert "Facebook Closed" in _text(client.get("/me/"))


def test_more_time_than_the_setting_allows_is_refused(app, client, auth):
    _use(app, 30)
    app.config["EXTRA_MINUTES_MAX"] = 30
    auth.login("erin")
    page = client.get("/me/").get_data(as_text=True)
    client.post("/requests/more", data={"csrf_token": csrf_token(page), "site": "facebook", "minutes": "60"})
    carol = app.test_client()
    AuthActions(carol).login("carol")
    inbox = carol.get("/requests/").get_data(as_text=True)
    assert '<option selected value="30">30 minutes</option>' in inbox and 'value="60"' not in inbox
    request_id = _request_id(app)
    carol.post(f"/requests/{request_id}", data={
        "csrf_token": csrf_token(inbox), f"r{request_id}-minutes": "60", f"r{request_id}-approve": "y"})
    assert "Choose Approve or Decline" in _text(carol.get("/requests/"))      # 60 is not offered: refused


def test_the_proxys_link_opens_the_options_for_that_site(client, auth):
    auth.login("erin")
    page = _text(client.get("/requests/more?site=facebook"))
    assert "More time for Facebook today" in page and "15 more minutes" in page
    assert client.get("/requests/more?site=linkedin").status_code == 404     # the rules grant nothing there
