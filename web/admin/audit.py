"""The audit trail for admins: read-only, newest first, 50 a page, filtered by who, action, target and period
(days in the policy's zone); an adjustment can be rolled back (itself audited)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from policy.changes.overrides import Adjustment as PolicyAdjustment
from storage.audit import AuditRecord
from storage.changes.adjustments import all_adjustments
from web.admin import bp
from web.admin.audit_words import describe, values
from web.clock import now
from web.db import begin_write, db
from web.errors import LARGEST_ID
from web.manager.saving import version_of
from web.manager.service import CHANGED, ROLLED_BACK, write_adjustment
from web.policy_source import PolicyUnavailable, current_policy
from web.roles import role_required

PAGE = 50
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)   # the days a period may name; none outside exists
ROLLBACK_ACTIONS = (CHANGED, ROLLED_BACK)


class RollbackForm(FlaskForm):
    """Only the CSRF token: the record to roll back is in the URL."""


@bp.get("/audit")
@role_required("admin")
def audit_trail():
    filters, problem = _filters()
    query = select(AuditRecord).order_by(AuditRecord.id.desc())
    for condition in _conditions(filters):
        query = query.where(condition)
    before = request.args.get("before", "")
    if before.isdigit() and int(before) <= LARGEST_ID:
        query = query.where(AuditRecord.id < int(before))
    records = db().scalars(query.limit(PAGE + 1)).all()
    older = records[PAGE - 1].id if len(records) > PAGE else None
    records = records[:PAGE]
    policy = _policy()
    zone = policy.timezone if policy is not None else timezone.utc
    actions = db().scalars(select(AuditRecord.action).distinct().order_by(AuditRecord.action)).all()
    return render_template(
        "admin/audit.html", records=[(r, describe(r, policy), r.at.astimezone(zone)) for r in records],
        zone=getattr(zone, "key", "UTC"), rollback=RollbackForm(), can_roll_back=ROLLBACK_ACTIONS, values=values,
        filters=filters, actions=actions, problem=problem, newest=url_for("admin.audit_trail", **filters),
        older=url_for("admin.audit_trail", before=older, **filters) if older else None,
        paged=bool(before)), 400 if problem else 200


def _filters() -> tuple[dict[str, str], str | None]:
    """The page's filters as asked (who, action, target, from, to), and what is wrong with them: a
    period end that is not a date, or outside FIRST_DAY…LAST_DAY, is left out and said."""
    filters = {key: request.args.get(key, "").strip()[:200] for key in ("who", "action", "target", "from", "to")}
    filters = {key: value for key, value in filters.items() if value}
    problems = []
    for key in ("from", "to"):
        if key in filters:
            problem = _date_problem(filters[key])
            if problem:
                problems.append(problem)
                del filters[key]
    return filters, " ".join(problems) or None


def _date_problem(text: str) -> str | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return f"'{text[:40]}' is not a date: give the period as YYYY-MM-DD, e.g. 2026-11-23."
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"There is no record on {day.isoformat()}: give a period between {FIRST_DAY.year} and {LAST_DAY.year}."
    return None


def _conditions(filters: dict[str, str]) -> list:
    policy = _policy()
    zone = policy.timezone if policy is not None else timezone.utc
    found = []
    if "who" in filters:
        found.append(AuditRecord.actor == filters["who"])
    if "action" in filters:
        found.append(AuditRecord.action == filters["action"])
    if "target" in filters:
        found.append(AuditRecord.target.contains(filters["target"], autoescape=True))
    if "from" in filters:
        found.append(AuditRecord.at >= datetime.combine(date.fromisoformat(filters["from"]), time(), zone))
    if "to" in filters:
        end = date.fromisoformat(filters["to"]) + timedelta(days=1)
        found.append(AuditRecord.at < datetime.combine(end, time(), zone))
    return found


def _policy():
    try:
        return current_policy()
    except PolicyUnavailable:
        return None     # the trail is still readable; times are then in UTC


@bp.post("/audit/<int:record_id>/rollback")
@role_required("admin")
def roll_back(record_id: int):
    begin_write()
    record = db().get(AuditRecord, record_id) or abort(404)
    if record.action not in ROLLBACK_ACTIONS or not record.target.startswith("adjustment:"):
        abort(400)
    rule, _, group = record.target.removeprefix("adjustment:").partition("/")
    restored = record.before or {}
    rows = {(row.rule, row.group_name): row for row in all_adjustments(db())}
    others = [PolicyAdjustment(r.rule, r.group_name, r.minutes, r.action, tuple(r.when) if r.when else None)
              for key, r in rows.items() if key != (rule, group)]
    if restored:
        try:
            current_policy().with_overrides(others + [PolicyAdjustment(
                rule, group, restored.get("minutes"), restored.get("action"),
                tuple(restored["when"]) if restored.get("when") else None)])
        except ValueError as exc:
            flash(f"Not rolled back: {exc}.", "error")
            return redirect(url_for("admin.audit_trail"))
    row = rows.get((rule, group))
    before = row.values() if row else None
    if not write_adjustment(db(), row, version_of(row), rule, group, restored, before=before,
                            actor=current_user.name, moment=now(), action=ROLLED_BACK, source=request.remote_addr):
        flash("Not rolled back: this adjustment was changed at the same moment. Look again and retry.", "error")
        return redirect(url_for("admin.audit_trail"))
    flash(f"Rolled back {rule} for {group} to " + (", ".join(f"{k} {v}" for k, v in restored.items())
                                                    or "the rules' values") + ".", "success")
    return redirect(url_for("admin.audit_trail"))
