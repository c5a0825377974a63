"""Change previews as a curious manager asks them: counts under the minimum say "fewer than 5",
each account gets PREVIEWS_PER_HOUR an hour, and every preview, answered or refused, is audited."""
from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta, timezone

import httpx
from sqlalchemy import select

from storage.audit import AuditRecord
from storage.usage.tables import QuotaCharge
from tests.support.live_panel import form_token, serve, signed_in
from tests.web.conftest import PASSWORD, AuthActions, csrf_token
from tests.web.manager.conftest import SIX, change_marketing
from web.db import db

BUDGET = "social-budget/marketing"


def _preview(client, minutes: int):
    """The limit's form as the page shows it (its token and the version it was read from), with `minutes`."""
    page = client.get("/team/").get_data(as_text=True)
    version = re.search(r'name="social-budget_marketing-version" type="hidden" value="([^"]*)"', page)[1]
    return client.post("/team/preview", data={"csrf_token": csrf_token(page), "tunable": BUDGET,
                                              "social-budget_marketing-version": version,
                                              "social-budget_marketing-minutes": str(minutes)})


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _peaks(app, peaks: dict[str, int]) -> None:
    """Last Wednesday's Facebook budget minutes, one person each."""
    start = datetime(2026, 11, 18, 8, 0, tzinfo=timezone.utc)
    with app.app_context():
        db().add_all(QuotaCharge(user_name=person, rule="social-budget", minute=start + timedelta(minutes=i),
                                 day=date(2026, 11, 18)) for person, used in peaks.items() for i in range(used))
        db().commit()


def _audited(app, action: str) -> list[AuditRecord]:
    with app.app_context():
        return list(db().scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)))


def test_a_count_under_the_minimum_says_fewer_than_five(team_app, team_auth, team_client):
    _peaks(team_app, dict(zip(SIX, (3, 8, 12, 20, 25, 29), strict=True)))
    team_auth.login("carol")
    assert "would have affected 6 people in marketing" in _text(_preview(team_client, 0))
    assert "would have affected 5 people in marketing" in _text(_preview(team_client, 5))
    assert "would have affected fewer than 5 people in marketing" in _text(_preview(team_client, 10))
    assert "would have affected fewer than 5 people in marketing" in _text(_preview(team_client, 28))


def test_thirty_previews_meet_the_limit_and_each_is_audited(team_app, team_auth, team_client):
    _peaks(team_app, dict(zip(SIX, (3, 8, 12, 20, 25, 29), strict=True)))
    team_auth.login("carol")
    answers = [_preview(team_client, minutes) for minutes in range(30)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 20
    assert "You can preview 10 changes an hour" in _text(answers[10])
    answered, refused = _audited(team_app, "change previewed"), _audited(team_app, "change preview refused")
    assert [(r.actor, r.target, r.after["values"]["minutes"], r.after["affected"]) for r in answered] == \
        [("carol", f"adjustment:{BUDGET}", minutes, 6 if minutes < 3 else 5 if minutes < 8 else "fewer than 5")
         for minutes in range(10)]
    assert [r.after["values"]["minutes"] for r in refused] == list(range(10, 30))
    assert all(r.actor == "carol" and r.source == "127.0.0.1" for r in refused)
    admin = team_app.test_client()   # the limit is per account
    AuthActions(admin).login("ada")
    assert _preview(admin, 15).status_code == 200


def test_a_preview_of_last_week_does_not_change_when_the_group_does(team_app, team_rules, team_auth, team_client):
    _peaks(team_app, dict(zip(SIX, (3, 8, 12, 20, 25, 29), strict=True)) | {"frank": 60})
    team_auth.login("carol")
    before = _text(_preview(team_client, 4))
    change_marketing(team_app, team_client, team_rules, [person for person in SIX if person != "paul"] + ["frank"])
    assert "would have affected 5 people in marketing" in before
    assert "would have affected 5 people in marketing" in _text(_preview(team_client, 4))


def test_thirty_previews_sent_at_once_still_get_ten_answers(team_app, team_auth, team_client):
    """The limit holds for a burst: the count and the audit record are one step, not a read then a write."""
    _peaks(team_app, dict(zip(SIX, (3, 8, 12, 20, 25, 29), strict=True)))
    with serve(team_app) as url:
        carol = signed_in(url, "carol", PASSWORD)
        page = carol.get("/team/").text
        version = re.search(r'name="social-budget_marketing-version" type="hidden" value="([^"]*)"', page)[1]
        start, answers = threading.Barrier(30), {}

        def ask(minutes: int) -> None:
            with httpx.Client(base_url=url, cookies=carol.cookies, timeout=60) as client:
                data = {"csrf_token": form_token(page), "tunable": BUDGET,
                        "social-budget_marketing-version": version, "social-budget_marketing-minutes": str(minutes)}
                start.wait(timeout=30)
                answers[minutes] = client.post("/team/preview", data=data).status_code

        threads = [threading.Thread(target=ask, args=(minutes,)) for minutes in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert sorted(answers.values()) == [200] * 10 + [429] * 20
    answered = {r.after["values"]["minutes"] for r in _audited(team_app, "change previewed")}
    assert answered == {minutes for minutes, status in answers.items() if status == 200}
    assert len(_audited(team_app, "change preview refused")) == 20
