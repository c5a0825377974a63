"""Asking for access, deciding requests, granting directly. Every step audited; other teams refused."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from storage import audit
from storage.access import AccessRequest, Grant
from web.clock import now
from web.db import db
from web.policy_source import current_policy
from web.requests import bp
from web.requests.forms import AccessRequestForm, DecisionForm, GrantForm
from web.requests.teams import deciders_of, may_decide_for, site_choices
from web.roles import role_required


def _audit(action: str, target: str, before=None, after=None) -> None:
    audit.record(db(), actor=current_user.name, action=action, target=target, before=before, after=after,
                 source=request.remote_addr)


def _refuse(target: str, why: str):
    """Deciding for another team: 403, and the attempt stays on the record."""
    db().rollback()
    _audit("refused", target, after={"why": why})
    db().commit()
    abort(403)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    policy = current_policy()
    form = AccessRequestForm()
    form.site.choices = site_choices(policy)
    if request.method == "GET" and request.args.get("site") in policy.sites:
        form.site.data = request.args["site"]  # prefilled from the block page's "ask for access"
    if form.validate_on_submit():
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
    return render_template("requests/new.html", form=form,
                           deciders=deciders_of(policy, current_user.name)), 400 if form.errors else 200


@bp.get("/")
@role_required("manager", "admin")
def inbox():
    policy = current_policy()
    pending = [asked for asked in db().scalars(select(AccessRequest).where(AccessRequest.status == "pending")
                                               .order_by(AccessRequest.created_at))
               if may_decide_for(policy, current_user, asked.user_name)]
    decided = db().scalars(select(AccessRequest).where(AccessRequest.decided_by == current_user.name)
                           .order_by(AccessRequest.decided_at.desc()).limit(20)).all()
    forms = {}
    for asked in pending:
        forms[asked.id] = DecisionForm(prefix=f"r{asked.id}", hours=str(asked.hours), formdata=None)
    grant = GrantForm(formdata=None)
    grant.site.choices = site_choices(policy)
    labels = {name: site.label for name, site in policy.sites.items()}
    return render_template("requests/inbox.html", pending=pending, decided=decided, forms=forms, grant=grant,
                           labels=labels, zone=policy.timezone)


@bp.post("/<int:request_id>")
@role_required("manager", "admin")
def decide(request_id: int):
    asked = db().get(AccessRequest, request_id) or abort(404)
    target = f"request:{asked.id}"
    if not may_decide_for(current_policy(), current_user, asked.user_name):
        _refuse(target, f"{current_user.name} does not manage a group of {asked.user_name}")
    form = DecisionForm(prefix=f"r{asked.id}")
    if asked.status != "pending":
        flash(f"This request was already {asked.status} by {asked.decided_by}.", "info")
        return redirect(url_for("requests.inbox"))
    if not form.validate_on_submit() or not (form.approve.data or form.decline.data):
        flash("Choose Approve or Decline, with a duration from 1 hour to 30 days.", "error")
        return redirect(url_for("requests.inbox"))
    moment = now()
    asked.decided_by, asked.decided_at, asked.note = current_user.name, moment, (form.note.data or None)
    if form.approve.data:
        asked.status = "approved"
        grant = Grant(user_name=asked.user_name, site=asked.site, starts_at=moment, granted_by=current_user.name,
                      expires_at=moment + timedelta(hours=int(form.hours.data)), request_id=asked.id)
        db().add(grant)
        _audit("request approved", target, before={"status": "pending"},
               after={"status": "approved", "site": asked.site, "user": asked.user_name,
                      "until": grant.expires_at.isoformat(), "note": asked.note})
        site = current_policy().sites.get(asked.site)
        label = site.label if site else asked.site
        flash(f"Approved: {asked.user_name} may use {label} for {form.hours.data} h.", "success")
    else:
        asked.status = "declined"
        _audit("request declined", target, before={"status": "pending"},
               after={"status": "declined", "note": asked.note})
        flash(f"Declined the request of {asked.user_name}.", "success")
    db().commit()
    return redirect(url_for("requests.inbox"))


@bp.post("/grant")
@role_required("manager", "admin")
def grant():
    policy = current_policy()
    form = GrantForm()
    form.site.choices = site_choices(policy)
    if not form.validate_on_submit():
        flash("Give a person, a site and a duration from 1 hour to 30 days.", "error")
        return redirect(url_for("requests.inbox"))
    person = form.user.data.strip()
    target = f"grant:{person}/{form.site.data}"
    if not may_decide_for(policy, current_user, person):
        _refuse(target, f"{current_user.name} does not manage a group of {person}")
    moment = now()
    given = Grant(user_name=person, site=form.site.data, starts_at=moment, granted_by=current_user.name,
                  expires_at=moment + timedelta(hours=int(form.hours.data)))
    db().add(given)
    _audit("access granted", target, after={"until": given.expires_at.isoformat(), "note": form.note.data or None})
    db().commit()
    flash(f"{person} may use {policy.sites[form.site.data].label} for {form.hours.data} h.", "success")
    return redirect(url_for("requests.inbox"))
