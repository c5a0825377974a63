"""Admins read the audit trail and roll adjustments back; nobody edits or deletes a record."""
from __future__ import annotations

import html
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.adjustments import Adjustment
from tests.web.conftest import AuthActions, csrf_token
from tests.web.manager.test_views import BUDGET, _post
from web.db import db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _records(app) -> list[AuditRecord]:
    with app.app_context():
        return list(db().scalars(select(AuditRecord).order_by(AuditRecord.id)))


def _roll_back(client, record_id: int):
    token = csrf_token(client.get("/admin/audit").get_data(as_text=True))
    return client.post(f"/admin/audit/{record_id}/rollback", data={"csrf_token": token})


def test_admins_see_who_changed_what_from_where(app, client, auth):
    AuthActions(app.test_client()).login("erin", "a wrong password")
    auth.login("ada")
    page = _text(client.get("/admin/audit"))
    assert re.search(r"\(not signed in\) sign-in failed account:erin — → why: wrong name or password; "
                     r"more in this burst are counted until: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 127\.0\.0\.1",
                     page), page


def test_an_adjustment_rolls_back_to_its_previous_value_and_that_is_recorded(app, client, auth):
    carol = app.test_client()
    AuthActions(carol).login("carol")
    _post(carol, "apply", BUDGET, minutes="45")
    _post(carol, "apply", BUDGET, minutes="60")
    auth.login("ada")
    second = _records(app)[-1]
    assert _roll_back(client, second.id).status_code == 302
    assert "Rolled back social-budget for marketing to minutes 45." in _text(client.get("/admin/audit"))
    with app.app_context():
        assert db().scalars(select(Adjustment.minutes)).one() == 45
    last = _records(app)[-1]
    assert (last.actor, last.action, last.before, last.after) == ("ada", "adjustment rolled back",
                                                                  {"minutes": 60}, {"minutes": 45})
    first = _records(app)[-3]
    _roll_back(client, first.id)  # before the first change: the rules' own value
    with app.app_context():
        assert db().scalars(select(Adjustment)).all() == []


def test_only_admins_read_the_trail_and_there_is_no_way_to_edit_it(client, auth, app):
    auth.login("nobody", "a wrong password")  # one record to try it on
    auth.login("carol")
    assert client.get("/admin/audit").status_code == 403
    auth.logout()
    auth.login("ada")
    rules = {rule.rule for rule in app.url_map.iter_rules() if "audit" in rule.rule}
    assert rules == {"/admin/audit", "/admin/audit/<int:record_id>/rollback"}
    assert _roll_back(client, _records(app)[0].id).status_code == 400  # not an adjustment record


def _add(app, count: int, **fields) -> None:
    with app.app_context():
        for n in range(count):
            values = {"actor": "ada", "action": "account created", "target": f"account:user{n}", **fields}
            db().add(AuditRecord(**values))
        db().commit()


def test_changes_to_limits_read_as_words_in_the_policy_zone(app, client, auth):
    carol = app.test_client()
    AuthActions(carol).login("carol")
    _post(carol, "apply", BUDGET, minutes="25")
    _post(carol, "apply", BUDGET, minutes="20")
    _post(carol, "apply", BUDGET, minutes="30")
    auth.login("ada")
    page = html.unescape(_text(client.get("/admin/audit")))
    assert "marketing's social budget 30 → 25 minutes a day" in page
    assert "marketing's social budget 25 → 20 minutes a day" in page
    assert "marketing's social budget 20 → 30 minutes a day (the rules' value)" in page
    assert "When (Europe/Berlin)" in page and "(UTC)" not in page
    with app.app_context():
        at = db().scalars(select(AuditRecord.at).order_by(AuditRecord.id.desc()).limit(1)).one()
    berlin = at.astimezone(ZoneInfo("Europe/Berlin"))
    assert berlin.strftime("%a %d %b %Y %H:%M:%S") in page


def test_the_trail_pages_and_filters(app, client, auth):
    _add(app, 60)
    _add(app, 3, actor="carol", action="adjustment changed", target="adjustment:social-budget/marketing",
         before={"minutes": 30}, after={"minutes": 45})
    auth.login("ada")
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count('data-label="Who"') == 50
    older = re.search(r'href="([^"]*before=\d+[^"]*)">Older', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert "Newest" in second and "Older" not in second
    assert second.count('data-label="Who"') == 60 + 3 - 50
    mine = html.unescape(_text(client.get("/admin/audit?who=carol&action=adjustment+changed")))
    assert mine.count("marketing's social budget 30 → 45 minutes a day") == 3 and "account:user" not in mine
    target = _text(client.get("/admin/audit?target=user1"))
    assert "account created account:user1 " in target and "account:user2 " not in target
    assert "account:user10" in target                                       # a part of the target matches
    assert "No record matches these filters." in _text(client.get("/admin/audit?from=2999-01-01"))
    today = _text(client.get("/admin/audit?from=2000-01-01&to=2999-12-31"))
    assert "account:user59" in today
    wrong = html.unescape(_text(client.get("/admin/audit?from=yesterday")))
    assert "'yesterday' is not a date: give the period as YYYY-MM-DD" in wrong


@pytest.mark.parametrize("query, words", [
    ("from=0001-01-01", "There is no record on 0001-01-01: give a period between 1970 and 2999."),
    ("to=9999-12-31", "There is no record on 9999-12-31: give a period between 1970 and 2999."),
    ("from=someday&to=9999-12-31", "'someday' is not a date: give the period as YYYY-MM-DD, e.g. 2026-11-23. "
                                   "There is no record on 9999-12-31"),
    ("from=2026-02-30&to=nan", "'2026-02-30' is not a date"),
])
def test_a_period_outside_the_calendar_or_not_a_date_is_a_clear_400(app, client, auth, query, words):
    _add(app, 2)
    auth.login("ada")
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    page = html.unescape(_text(response))
    assert words in page
    assert "account:user1" in page            # the rest of the trail, without the period that cannot be
