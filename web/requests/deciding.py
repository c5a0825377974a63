"""Managers decide requests, grant access without one, and end grants early; every step audited."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_login import current_user

from storage.changes.access import AccessRequest
from web.clock import now
from web.db import begin_write, db
from web.policy_source import current_policy
from web.requests import bp
from web.requests.decisions import approve, decline, grant_directly
from web.requests.extra import approvable, most
from web.requests.forms import DURATIONS, ButtonForm, DecisionForm, GrantForm
from web.requests.lifecycle import end_grant
from web.requests.steps import AlreadyDecided, NotYours, OutOfBounds, Refused, label_of
from web.requests.teams import may_decide_for
from web.requests.views import actor, people_of, record_refusal, refuse, render_inbox, tell
from web.roles import role_required


@bp.post("/<int:request_id>")
@role_required("manager", "admin")
def decide(request_id: int):
    begin_write()
    policy = current_policy()
    form = DecisionForm(prefix=f"r{request_id}")
    form.hours.choices = DURATIONS
    asked = db().get(AccessRequest, request_id) or abort(404)
    if not may_decide_for(policy, current_user, asked.user_name):
        refuse(f"request:{request_id}", f"{current_user.name} does not manage a group of {asked.user_name}", code=404)
    asked_minutes = asked.minutes
    more_time = asked_minutes is not None
    if asked_minutes is not None:
        del form.hours      # a request for more time is decided in minutes
        form.minutes.choices = [(str(option.minutes), option.label)
                                for option in approvable(current_app.config, asked_minutes)]
    else:
        del form.minutes
    if not form.validate_on_submit() or not (form.approve.data or form.decline.data):
        flash("Choose Approve or Decline, with a duration from 1 hour to 30 days.", "error")
        return redirect(url_for("requests.inbox"))
    note = (form.note.data or "").strip() or None
    try:
        if form.approve.data:
            if more_time:
                grant = approve(db(), policy, actor(), request_id, None, note, now(), tell(),
                                minutes=int(form.minutes.data), most_minutes=most(current_app.config))
                message = (f"Approved: {grant.user_name} has {grant.minutes} more minutes of "
                           f"{label_of(policy, grant.site)} today.")
            else:
                grant = approve(db(), policy, actor(), request_id, int(form.hours.data), note, now(), tell())
                message = (f"Approved: {grant.user_name} may use {label_of(policy, grant.site)} "
                           f"for {form.hours.data} h.")
        else:
            asked = decline(db(), policy, actor(), request_id, note, now(), tell())
            message = f"Declined the request of {asked.user_name}."
    except NotYours as exc:
        refuse(f"request:{request_id}", str(exc), code=404)
    except OutOfBounds as exc:
        db().rollback()
        flash(f"Not approved: {exc}.", "error")
        return redirect(url_for("requests.inbox"))
    except Refused as exc:
        db().rollback()
        flash(str(exc), "info" if isinstance(exc, AlreadyDecided) else "error")
        return redirect(url_for("requests.inbox"))
    db().commit()
    flash(message, "success")
    return redirect(url_for("requests.inbox"))


@bp.post("/grant")
@role_required("manager", "admin")
def grant():
    begin_write()
    policy = current_policy()
    form = GrantForm()
    people = people_of(policy, current_user)
    form.user.choices = [(person, person) for person in people]
    form.site.choices, form.hours.choices = [(name, site.label) for name, site in policy.sites.items()], DURATIONS
    if not form.validate_on_submit():
        flash("Give a person, a site and a duration from 1 hour to 30 days.", "error")
        return render_inbox(form, 400)
    person = form.user.data.strip()
    if person not in people and person != current_user.name:
        form.user.errors.append(f"{person} is not in a group you manage: choose someone from your teams.")
        record_refusal(f"grant:{person}/{form.site.data}", f"{current_user.name} does not manage a group of {person}")
        return render_inbox(form, 400)
    try:
        given = grant_directly(db(), policy, actor(), person, form.site.data, int(form.hours.data),
                               (form.note.data or "").strip() or None, now(), tell())
    except Refused as exc:
        db().rollback()
        flash(f"Not granted: {exc}.", "error")
        return redirect(url_for("requests.inbox"))
    db().commit()
    flash(f"{person} may use {label_of(policy, given.site)} for {form.hours.data} h.", "success")
    return redirect(url_for("requests.inbox"))


@bp.post("/grants/<int:grant_id>/end")
@role_required("manager", "admin")
def end(grant_id: int):
    begin_write()
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        grant = end_grant(db(), current_policy(), actor(), grant_id, now(), tell())
    except NotYours as exc:
        refuse(f"grant:{grant_id}", str(exc), code=404)
    except Refused as exc:
        db().rollback()
        flash(str(exc), "info")
        return redirect(url_for("requests.inbox"))
    db().commit()
    flash(f"Ended: {grant.user_name} no longer has {label_of(current_policy(), grant.site)} beyond the rules.",
          "success")
    return redirect(url_for("requests.inbox"))
