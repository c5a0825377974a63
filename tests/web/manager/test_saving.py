"""Two saves of one limit: the second is told it changed meanwhile, on SQLite (while a proxy writes usage
to the same file) and on PostgreSQL, against the panel served for real."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.adjustments import Adjustment
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.databases import BACKENDS
from tests.support.live_panel import serve, signed_in
from tests.support.usage_process import UsageProcess
from tests.web.conftest import PASSWORD, AuthActions, make_app
from tests.web.manager.test_views import BUDGET, _form_data, _post, _text
from web.db import db


def _saved(app) -> list[tuple]:
    with app.app_context():
        return [(a.group_name, a.minutes, a.set_by) for a in db().scalars(select(Adjustment))]


def test_a_save_from_a_page_read_before_anothers_save_is_refused(app, client, auth):
    auth.login("carol")
    stale_page = client.get("/team/").get_data(as_text=True)
    ada = app.test_client()
    AuthActions(ada).login("ada")
    assert _post(ada, "apply", BUDGET, minutes="45").status_code == 302
    for step in ("preview", "apply"):
        late = client.post(f"/team/{step}", data=_form_data(stale_page, BUDGET, {"minutes": "60"}))
        assert late.status_code == 409
        assert "Not saved: this limit was changed meanwhile" in _text(late)
        assert 'value="45"' in late.get_data(as_text=True)          # what is saved now, to start again from
    assert _saved(app) == [("marketing", 45, "ada")]
    assert _post(client, "apply", BUDGET, minutes="60").status_code == 302   # from the fresh page
    assert _saved(app) == [("marketing", 60, "carol")]


def test_a_form_without_its_version_saves_nothing(app, client, auth):
    auth.login("carol")
    page = client.get("/team/").get_data(as_text=True)
    data = {key: value for key, value in _form_data(page, BUDGET, {"minutes": "60"}).items()
            if not key.endswith("-version")}
    assert client.post("/team/apply", data=data).status_code == 409
    assert _saved(app) == []


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_two_managers_saving_one_limit_at_once_while_a_proxy_writes_usage(db_url, tmp_path, password_hash):
    engine = make_engine(db_url)
    upgrade(engine)                      # the proxy's usage tables, as `watercooler panel` migrates them
    engine.dispose()
    app = make_app(tmp_path, password_hash, db_url=db_url)
    with serve(app) as url, UsageProcess(db_url, tmp_path / "proxy", "proxy-1", max_delay=0.01) as proxy:
        done, written = threading.Event(), []

        def proxy_writes():
            start = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
            while not done.is_set():
                written.append(proxy.send(op="minutes", user="erin", start=start.isoformat(), count=30)["ok"])
                proxy.send(op="flush", timeout=30)

        writer = threading.Thread(target=proxy_writes)
        writer.start()
        try:
            carol, ada = signed_in(url, "carol", PASSWORD), signed_in(url, "ada", PASSWORD)
            for round_ in range(6):
                pages = {"carol": carol.get("/team/").text, "ada": ada.get("/team/").text}
                start, answers = threading.Barrier(2), {}

                def save(name, client, minutes, pages=pages, start=start, answers=answers):   # this round's
                    data = _form_data(pages[name], BUDGET, {"minutes": str(minutes)})
                    start.wait(timeout=10)
                    answers[name] = client.post("/team/apply", data=data)

                threads = [threading.Thread(target=save, args=("carol", carol, 40 + round_)),
                           threading.Thread(target=save, args=("ada", ada, 70 + round_))]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=60)
                codes = {name: answer.status_code for name, answer in answers.items()}
                assert sorted(codes.values()) == [302, 409], codes
                loser = next(name for name, code in codes.items() if code == 409)
                winner = "ada" if loser == "carol" else "carol"
                assert "Not saved: this limit was changed meanwhile" in re.sub(r"\s+", " ", answers[loser].text)
                assert _saved(app) == [("marketing", (40 if winner == "carol" else 70) + round_, winner)]
        finally:
            done.set()
            writer.join(timeout=60)
    assert sum(written) > 0
    with app.app_context():
        changes = db().scalars(select(AuditRecord).where(AuditRecord.action == "adjustment changed")).all()
    assert len(changes) == 6                     # one saved change per round, the refused ones left no trace
