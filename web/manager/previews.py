"""Change previews are counted, limited and audited: each answer says something about last week.

A preview's "would have affected N people" is a count over the group's people, so asking it for
budgets 0, 1, 2, … would trace everyone's peak use. Counts under `MIN_GROUP_SIZE` already read
"fewer than 5"; on top, each account may ask `PREVIEWS_PER_HOUR` previews an hour (counted from the
audit trail, so several panel processes share the count), and every preview, answered or refused,
is an audit record with the values asked about and the answer shown.

Counting and recording are one step: `hold` begins a write transaction and locks the account's
row (SQLite's write lock; `SELECT … FOR UPDATE` on PostgreSQL) until the preview's record is
committed, so thirty previews sent at once are counted one after another, not all against the
same count, and none meets a locked database.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from storage import audit
from storage.sign_in.accounts import User
from web.db import begin_write, db
from web.manager.adjustable import Tunable

PREVIEWED = "change previewed"
REFUSED = "change preview refused"
WINDOW = timedelta(hours=1)


def hold() -> None:
    """Begin the preview's transaction with the account locked, before anything of it is read; the
    lock lasts until `record` (or the refusal's record) commits, or the request ends."""
    begin_write()
    db().execute(select(User.id).where(User.id == current_user.id).with_for_update())


def refusal(tunable: Tunable, values: dict):
    """The 429 page when this account has used its previews for the hour (recorded), else None.
    Call `hold` first."""
    limit = int(current_app.config["PREVIEWS_PER_HOUR"])
    if audit.recent_by_actor(db(), action=PREVIEWED, actor=current_user.name, within=WINDOW) < limit:
        return None
    _record(REFUSED, tunable, {"values": values, "why": f"more than {limit} previews in an hour"})
    return render_template("error.html", code=429, title="Too many previews",
                           advice=f"You can preview {limit} changes an hour; this one was not worked out. "
                                  "Try again in an hour."), 429


def record(tunable: Tunable, values: dict, affected: int | None) -> None:
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    _record(PREVIEWED, tunable, {"values": values,
                                 "affected": f"fewer than {minimum}" if affected is None else affected})


def _record(action: str, tunable: Tunable, after: dict) -> None:
    audit.record(db(), actor=current_user.name, action=action, target=f"adjustment:{tunable.key}",
                 after=after, source=request.remote_addr)
    db().commit()
