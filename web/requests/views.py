"""Asking for access, deciding requests, granting directly. Every step audited; other teams refused.

Only what the rules' `adjustable.grant` allows is offered or saved (policy/grants.py); nobody decides
their own request or grants to themselves. A request is decided once: of two managers deciding it at
the same moment, the second is told it was already decided (a conditional update, not a read-then-write).
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from policy.overrides import Grant as PolicyGrant
from storage import audit
from storage.access import AccessRequest, Grant
from web.clock import now
from web.db import begin_write, db
from web.manager.adjustable import managed_groups, members
from web.policy_source import current_policy
from web.requests import bp
from web.requests.forms import DURATIONS, AccessRequestForm, DecisionForm, GrantForm, durations_up_to
from web.requests.teams import deciders_of, grantable_sites, grantable_to_anyone, may_decide_for, site_choices
from web.roles import role_required


def _audit(action: str, target: str, before=None, after=None) -> None:
    audit.record(db(), actor=current_user.name, action=action, target=target, before=before, after=after,
                 source=request.remote_addr)


def _refuse(target: str, why: str, code: int = 403):
    """Deciding for another team: refused, and the attempt stays on the record. A request the account
    may not see answers 404, like one that does not exist, so ids reveal nothing."""
    audit.record_refusal(db(), actor=current_user.name, target=target, why=why, source=request.remote_addr)
    abort(code)


def _people_of(policy, account) -> set[str]:
    return {person for group in managed_groups(policy, account) for person in members(policy, group)}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "POST":
        begin_write()
    policy = current_policy()
    form = AccessRequestForm()
    open_to_me = grantable_sites(policy, current_user.name, site_choices(policy))
    form.site.choices = [choice for choice in site_choices(policy) if choice[0] in open_to_me]
    form.hours.choices = durations_up_to(max(open_to_me.values(), default=1))
    if request.method == "GET" and request.args.get("site") in open_to_me:
        form.site.data = request.args["site"]  # prefilled from the block page's "ask for access"
    valid = form.validate_on_submit()
    if valid and int(form.hours.data) > open_to_me[form.site.data]:
        form.hours.errors.append(f"The rules allow at most {open_to_me[form.site.data]} hours for this site.")
    elif valid:
        asked = AccessRequest(user_name=current_user.name, site=form.site.data, reason=form.reason.data.strip(),
                              hours=int(form.hours.data), status="pending", created_at=now())
        db().add(asked)
        db().flush()
        _audit("access requested", f"request:{asked.id}",
               after={"site": asked.site, "hours": asked.hours, "reason": asked.reason})
        db().commit()
        deciders = deciders_of(policy, current_user.name)
        to = ", ".join(deciders) if deciders else "the IT admins (nobody manages your groups)"
        flash(f"Request sent to {to}. You will see the answer on this page.", "success")
        return redirect(url_for("me.index"))
    return render_template("requests/new.html", form=form, deciders=deciders_of(policy, current_user.name),
                           nothing_to_ask=not open_to_me), 400 if form.errors else 200


@bp.get("/")
@role_required("manager", "admin")
def inbox():
    policy = current_policy()
    pending = [asked for asked in db().scalars(select(AccessRequest).where(AccessRequest.status == "pending")
                                               .order_by(AccessRequest.created_at))
               if may_decide_for(policy, current_user, asked.user_name)]
    decided = db().scalars(select(AccessRequest).where(AccessRequest.decided_by == current_user.name)
                           .order_by(AccessRequest.decided_at.desc()).limit(20)).all()
    forms, blocked = {}, {}
    for asked in pending:
        form = forms[asked.id] = DecisionForm(prefix=f"r{asked.id}", hours=str(asked.hours), formdata=None)
        try:
            form.hours.choices = durations_up_to(_grantable_hours(policy, asked.user_name, asked.site))
        except ValueError as exc:
            blocked[asked.id] = f"Cannot be approved: {exc}."
        if asked.user_name == current_user.name:
            blocked[asked.id] = "Your own request: another manager of your group or an admin decides it."
    grant = GrantForm(formdata=None)
    offered = grantable_to_anyone(policy, _people_of(policy, current_user) - {current_user.name},
                                  site_choices(policy))
    grant.site.choices = [choice for choice in site_choices(policy) if choice[0] in offered]
    grant.hours.choices = durations_up_to(max(offered.values(), default=1))
    labels = {name: site.label for name, site in policy.sites.items()}
    return render_template("requests/inbox.html", pending=pending, decided=decided, forms=forms, grant=grant,
                           labels=labels, zone=policy.timezone, blocked=blocked)


def _grantable_hours(policy, person: str, site: str) -> int:
    return policy.grant_bound(person, site)[1].hours


@bp.post("/<int:request_id>")
@role_required("manager", "admin")
def decide(request_id: int):
    begin_write()
    policy = current_policy()
    asked = db().get(AccessRequest, request_id) or abort(404)
    target = f"request:{asked.id}"
    if not may_decide_for(policy, current_user, asked.user_name):
        _refuse(target, f"{current_user.name} does not manage a group of {asked.user_name}", code=404)
    if asked.user_name == current_user.name:
        flash("You cannot decide your own request: another manager of your group or an admin must.", "error")
        return redirect(url_for("requests.inbox"))
    form = DecisionForm(prefix=f"r{asked.id}")
    form.hours.choices = DURATIONS
    if asked.status != "pending":
        return _already_decided(asked)
    if not form.validate_on_submit() or not (form.approve.data or form.decline.data):
        flash("Choose Approve or Decline, with a duration from 1 hour to 30 days.", "error")
        return redirect(url_for("requests.inbox"))
    if form.approve.data:
        try:
            _within_bounds(policy, asked.user_name, asked.site, int(form.hours.data))
        except ValueError as exc:
            flash(f"Not approved: {exc}.", "error")
            return redirect(url_for("requests.inbox"))
    moment, status = now(), "approved" if form.approve.data else "declined"
    decided = db().execute(
        update(AccessRequest).where(AccessRequest.id == asked.id, AccessRequest.status == "pending")
        .values(status=status, decided_by=current_user.name, decided_at=moment, note=form.note.data or None)
        .execution_options(synchronize_session=False)).rowcount
    if decided != 1:  # another manager decided it since this page was read
        db().rollback()
        db().expire(asked)
        return _already_decided(db().get(AccessRequest, request_id))
    note = form.note.data or None
    if status == "approved":
        grant = Grant(user_name=asked.user_name, site=asked.site, starts_at=moment, granted_by=current_user.name,
                      expires_at=moment + timedelta(hours=int(form.hours.data)), request_id=asked.id)
        db().add(grant)
        _audit("request approved", target, before={"status": "pending"},
               after={"status": "approved", "site": asked.site, "user": asked.user_name,
                      "until": grant.expires_at.isoformat(), "note": note})
        site = policy.sites.get(asked.site)
        label = site.label if site else asked.site
        flash(f"Approved: {asked.user_name} may use {label} for {form.hours.data} h.", "success")
    else:
        _audit("request declined", target, before={"status": "pending"}, after={"status": "declined", "note": note})
        flash(f"Declined the request of {asked.user_name}.", "success")
    db().commit()
    return redirect(url_for("requests.inbox"))


def _already_decided(asked: AccessRequest):
    flash(f"This request was already {asked.status} by {asked.decided_by}; nothing was changed.", "info")
    return redirect(url_for("requests.inbox"))


def _within_bounds(policy, person: str, site: str, hours: int) -> None:
    """ValueError, in the rules' words, unless the rules let managers grant `site` to `person` this long."""
    moment = now()
    policy.with_overrides(grants=[PolicyGrant(person, site, moment + timedelta(hours=hours), moment,
                                              current_user.name)])


@bp.post("/grant")
@role_required("manager", "admin")
def grant():
    begin_write()
    policy = current_policy()
    form = GrantForm()
    form.site.choices, form.hours.choices = site_choices(policy), DURATIONS
    if not form.validate_on_submit():
        flash("Give a person, a site and a duration from 1 hour to 30 days.", "error")
        return redirect(url_for("requests.inbox"))
    person = form.user.data.strip()
    target = f"grant:{person}/{form.site.data}"
    if not may_decide_for(policy, current_user, person):
        _refuse(target, f"{current_user.name} does not manage a group of {person}")
    try:
        _within_bounds(policy, person, form.site.data, int(form.hours.data))
    except ValueError as exc:
        flash(f"Not granted: {exc}.", "error")
        return redirect(url_for("requests.inbox"))
    moment = now()
    given = Grant(user_name=person, site=form.site.data, starts_at=moment, granted_by=current_user.name,
                  expires_at=moment + timedelta(hours=int(form.hours.data)))
    db().add(given)
    _audit("access granted", target, after={"until": given.expires_at.isoformat(), "note": form.note.data or None})
    db().commit()
    flash(f"{person} may use {policy.sites[form.site.data].label} for {form.hours.data} h.", "success")
    return redirect(url_for("requests.inbox"))
