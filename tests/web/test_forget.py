"""A person who used the panel — failed a sign-in and signed in from their address, asked for access,
was approved — is forgotten with `watercooler forget`: afterwards the panel's real database holds
neither their name nor their address nor their reason, their session is over, and the manager's
records stay."""
from __future__ import annotations

import re

from sqlalchemy import select

from storage.models import metadata
from tests.support.cli_run import watercooler
from tests.web.conftest import AuthActions, csrf_token, post_form
from web.db import db

ERIN_ADDRESS, CAROL_ADDRESS = "10.7.7.7", "10.8.8.8"
ERIN = re.compile(r"(?<![\w.@-])erin(?![\w.@-])")   # the name as a word ("engineering" holds "erin")
REASON = "Posting our job ads this week"


def _everything(app) -> list[str]:
    with app.app_context():
        return [str(value) for table in metadata.sorted_tables for row in db().execute(select(table)) for value in row]


def test_a_forgotten_employee_leaves_no_name_address_or_reason_in_the_panels_database(app, client):
    client.environ_base["REMOTE_ADDR"] = ERIN_ADDRESS
    erin = AuthActions(client)
    assert erin.login("erin", "not the password").status_code == 200      # a failed sign-in, audited
    assert erin.login("erin").status_code == 302
    assert post_form(client, "/requests/new?site=facebook", {"site": "facebook", "reason": REASON, "hours": "8"},
                     action="/requests/new").status_code == 302
    carol = app.test_client()
    carol.environ_base["REMOTE_ADDR"] = CAROL_ADDRESS
    AuthActions(carol).login("carol")
    token = csrf_token(carol.get("/requests/").get_data(as_text=True))
    assert carol.post("/requests/1", data={"csrf_token": token, "r1-hours": "4", "r1-note": "ok erin",
                                           "r1-approve": "y"}).status_code == 302
    before = _everything(app)
    assert any(ERIN.search(v) for v in before) and any(ERIN_ADDRESS in v for v in before)

    done = watercooler("forget", "erin", "--yes", "--db", app.config["DB"])
    assert done.returncode == 0, done.stderr

    after = _everything(app)
    assert [v for v in after if ERIN.search(v) or ERIN_ADDRESS in v or REASON in v] == []
    assert any(CAROL_ADDRESS in v for v in after)            # the manager's own records keep their address
    assert client.get("/me/").status_code == 302              # erin's session ended with her account
    assert AuthActions(app.test_client()).login("erin").status_code == 200   # and it never signs in again
