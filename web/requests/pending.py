"""How many requests wait for the signed-in manager: the count in the navigation, and where sign-in lands."""
from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy import select

from storage.changes.access import AccessRequest
from web.db import db
from web.policy_source import PolicyUnavailable, current_policy
from web.requests.teams import may_decide_for


def pending_count(account) -> int:
    """Pending requests `account` may decide (their own excluded); 0 for employees or without a policy."""
    if account.role not in ("manager", "admin"):
        return 0
    try:
        policy = current_policy()
    except PolicyUnavailable:
        return 0
    people = db().scalars(select(AccessRequest.user_name).where(AccessRequest.status == "pending")).all()
    return sum(1 for person in people if person != account.name and may_decide_for(policy, account, person))


def init_app(app: Flask) -> None:
    @app.context_processor
    def waiting() -> dict:
        signed_in = current_user.is_authenticated and not current_user.must_change_password
        return {"pending_requests": pending_count(current_user) if signed_in else 0}
