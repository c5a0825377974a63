"""The audit trail for admins: read-only, newest first; an adjustment can be rolled back (itself audited)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from policy.overrides import Adjustment as PolicyAdjustment
from storage.adjustments import all_adjustments
from storage.audit import AuditRecord
from web.admin import bp
from web.clock import now
from web.db import begin_write, db
from web.manager.saving import version_of
from web.manager.service import CHANGED, ROLLED_BACK, write_adjustment
from web.policy_source import current_policy
from web.roles import role_required

SHOWN = 200
ROLLBACK_ACTIONS = (CHANGED, ROLLED_BACK)


class RollbackForm(FlaskForm):
    """Only the CSRF token: the record to roll back is in the URL."""


@bp.get("/audit")
@role_required("admin")
def audit_trail():
    records = db().scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(SHOWN)).all()
    return render_template("admin/audit.html", records=records, rollback=RollbackForm(),
                           can_roll_back=ROLLBACK_ACTIONS)


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
