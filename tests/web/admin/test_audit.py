"""Admins read the audit trail and roll adjustments back; nobody edits or deletes a record."""
from __future__ import annotations

import re

from sqlalchemy import select

from storage.adjustments import Adjustment
from storage.audit import AuditRecord
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
                     r"more in this burst are counted until: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 127\.0\.0\.1", page), page


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
