"""Adjusting a group's limits: see the value and bounds, preview the change in words, then save."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from policy.changes.overrides import Adjustment as PolicyAdjustment
from storage import audit
from storage.changes.adjustments import all_adjustments
from web.clock import now
from web.db import begin_write, db
from web.manager import bp, previews
from web.manager.adjustable import Tunable, in_engine_terms, managed_groups, tunables
from web.manager.forms import adjust_form, new_values
from web.manager.impact import affected_last_week
from web.manager.saving import version_of
from web.manager.service import save_adjustment
from web.manager.wording import describe
from web.policy_source import current_policy
from web.roles import role_required


@bp.get("/")
@role_required("manager", "admin")
def index():
    policy = current_policy()
    found = tunables(policy, managed_groups(policy, current_user), all_adjustments(db()))
    return render_template("manager/index.html", items=[(t, adjust_form(t)) for t in found])


@bp.post("/preview")
@role_required("manager", "admin")
def preview():
    policy = current_policy()   # before the lock: a newly loaded policy commits its groups
    previews.hold()             # the limit, the form's adjustment and the answer read in one locked transaction
    tunable, form, values, error = _submitted()
    if error:
        return _with_error(tunable, form, error)
    sentences = describe(tunable, values)
    if not sentences and values == (tunable.current.values() if tunable.current and not tunable.stale else {}):
        flash("Nothing would change.", "info")
        return redirect(url_for("manager.index"))
    refused = previews.refusal(tunable, values)
    if refused:
        return refused
    today = now().astimezone(policy.timezone).date()
    affected = affected_last_week(db(), policy, tunable, values, today, int(current_app.config["MIN_GROUP_SIZE"]))
    previews.record(tunable, values, affected)
    return render_template("manager/preview.html", tunable=tunable, form=form, values=values,
                           sentences=sentences or [f"{tunable.group}: {tunable.rule.name} as the rules say"],
                           affected=affected)


@bp.post("/apply")
@role_required("manager", "admin")
def apply():
    begin_write()
    tunable, form, values, error = _submitted()
    if error:
        return _with_error(tunable, form, error)
    sentences = save_adjustment(db(), tunable, form.version.data, values, current_user.name, now(),
                                request.remote_addr)
    if sentences is None:
        return _changed_meanwhile(tunable)
    flash("Saved: " + ("; ".join(sentences) or "back to the rules' values") + ".", "success")
    return redirect(url_for("manager.index"))


def _submitted() -> tuple[Tunable, object, dict, str | None]:
    """The tunable a form names, the parsed form, its values and the engine's objection (if any).

    Another group's tunable answers 404 like one that does not exist. The bounds are checked for this
    adjustment alone, then together with the other groups' adjustments that still fit the rules: one
    team's adjustment left outside a bound the admins narrowed never blocks, nor shows in, another's save."""
    policy = current_policy()
    key = request.form.get("tunable", "")
    rule_name, _, group = key.partition("/")
    adjustments = all_adjustments(db())
    everything = {t.key: t for t in tunables(policy, sorted(policy.doc.groups), adjustments)}
    tunable = everything.get(key)
    if tunable is None:
        abort(404)
    if group not in managed_groups(policy, current_user):
        audit.record_refusal(db(), actor=current_user.name, target=f"adjustment:{key}",
                             why=f"{current_user.name} does not manage {group}", source=request.remote_addr)
        abort(404)
    form = adjust_form(tunable, formdata=request.form)
    if not form.validate_on_submit():
        return tunable, form, {}, "Check the highlighted fields."
    if form.version.data != version_of(tunable.current):
        return tunable, form, {}, _CHANGED
    values = new_values(tunable, form)
    if values:
        candidate = PolicyAdjustment(rule_name, group, values.get("minutes"), values.get("action"),
                                     tuple(values["when"]) if "when" in values else None)
        try:
            policy.with_overrides([candidate])
        except ValueError as exc:
            return tunable, form, values, f"Not saved: {exc}."
        others = [t.current for t in everything.values()
                  if t.current is not None and not t.stale and t.key != key]
        try:
            policy.with_overrides([in_engine_terms(row) for row in others] + [candidate])
        except ValueError as exc:
            return tunable, form, values, f"Not saved: together with the other groups' values, {exc}."
    return tunable, form, values, None


_CHANGED = ("Not saved: this limit was changed meanwhile (by someone else, or in another tab). "
            "Its current value is shown here; make your change again.")


def _changed_meanwhile(tunable: Tunable):
    """The page again with what is saved now, and a 409: nothing was written."""
    policy = current_policy()
    found = tunables(policy, managed_groups(policy, current_user), all_adjustments(db()))
    items = [(t, adjust_form(t)) for t in found]
    return render_template("manager/index.html", items=items, error_for=tunable.key, error=_CHANGED), 409


def _with_error(tunable: Tunable, form, error: str):
    if error == _CHANGED:
        return _changed_meanwhile(tunable)
    policy = current_policy()
    found = tunables(policy, managed_groups(policy, current_user), all_adjustments(db()))
    items = [(t, form if t.key == tunable.key else adjust_form(t)) for t in found]
    return render_template("manager/index.html", items=items, error_for=tunable.key, error=error), 400
