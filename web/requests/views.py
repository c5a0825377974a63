"""Asking for access and withdrawing a request; the managers' inbox. The steps are in web/requests/steps.py.

Only what the rules' `adjustable.grant` allows is offered or saved (policy/changes/grants.py); nobody decides
their own request or grants to themselves.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from storage import audit
from storage.changes.access import AccessRequest, Grant
from web.clock import now
from web.db import begin_write, db
from web.manager.adjustable import managed_groups, members
from web.notify.notifier import Notifier
from web.policy_source import current_policy
from web.requests import bp
from web.requests.extra import approvable
from web.requests.forms import AccessRequestForm, ButtonForm, DecisionForm, GrantForm, durations_up_to, with_asked
from web.requests.steps import Actor, NotYours, Refused, ask, recipients_of, withdraw
from web.requests.teams import grantable_sites, grantable_to_anyone, may_decide_for, site_choices
from web.roles import role_required


def actor() -> Actor:
    return Actor(current_user.name, current_user.role, request.remote_addr)


def tell() -> Notifier:
    return Notifier(current_app.config)


def record_refusal(target: str, why: str) -> None:
    """An attempt on another team stays on the record (whatever the step had written is dropped)."""
    audit.record_refusal(db(), actor=current_user.name, target=target, why=why, source=request.remote_addr)


def refuse(target: str, why: str, code: int = 403):
    """Deciding for another team: refused and recorded. A request the account may not see answers 404,
    like one that does not exist, so ids reveal nothing."""
    record_refusal(target, why)
    abort(code)


def people_of(policy, account) -> list[str]:
    """Everyone in the groups `account` manages (everyone in the rules for an admin), but themselves."""
    found = {person for group in managed_groups(policy, account) for person in members(policy, group)}
    return sorted(found - {account.name})


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
    deciders = recipients_of(db(), policy, current_user.name)
    if form.validate_on_submit():
        try:
            ask(db(), policy, actor(), form.site.data, form.reason.data, int(form.hours.data), now(), tell())
        except Refused as exc:
            form.hours.errors.append(str(exc))
        else:
            db().commit()
            flash(f"Request sent to {', '.join(deciders) or 'the IT admins'}. You will see the answer on this page.",
                  "success")
            return redirect(url_for("me.index"))
    return render_template("requests/new.html", form=form, deciders=deciders,
                           nothing_to_ask=not open_to_me), 400 if form.errors else 200


@bp.post("/<int:request_id>/withdraw")
@login_required
def withdraw_request(request_id: int):
    begin_write()
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        withdraw(db(), actor(), request_id, now())
    except NotYours:
        abort(404)
    except Refused as exc:
        flash(str(exc), "info")
        return redirect(url_for("me.index"))
    db().commit()
    flash("Your request is withdrawn.", "success")
    return redirect(url_for("me.index"))


@bp.get("/")
@role_required("manager", "admin")
def inbox():
    return render_inbox(GrantForm(formdata=None))


def render_inbox(grant: GrantForm, status: int = 200):
    policy, moment = current_policy(), now()
    pending = [asked for asked in db().scalars(select(AccessRequest).where(AccessRequest.status == "pending")
                                               .order_by(AccessRequest.created_at))
               if may_decide_for(policy, current_user, asked.user_name)]
    decided = db().scalars(select(AccessRequest).where(AccessRequest.decided_by == current_user.name)
                           .order_by(AccessRequest.decided_at.desc()).limit(20)).all()
    forms, blocked = {}, {}
    for asked in pending:
        form = forms[asked.id] = DecisionForm(prefix=f"r{asked.id}", hours=str(asked.hours), formdata=None)
        if asked.minutes is not None:
            amounts = approvable(current_app.config, asked.minutes)
            form.minutes.choices = [(str(option.minutes), option.label) for option in amounts]
            form.minutes.data = str(amounts[0].minutes) if amounts else None
        try:
            bound = policy.grant_bound(asked.user_name, asked.site)[1].hours
            form.hours.choices = with_asked(durations_up_to(bound), min(asked.hours, bound) or 1)
        except ValueError as exc:
            blocked[asked.id] = f"Cannot be approved: {exc}."
        if asked.user_name == current_user.name:
            blocked[asked.id] = "Your own request: another manager of your group or an admin decides it."
    people = people_of(policy, current_user)
    grant.user.choices = [("", "Choose a person")] + [(person, person) for person in people]
    offered = grantable_to_anyone(policy, set(people), site_choices(policy))
    grant.site.choices = [choice for choice in site_choices(policy) if choice[0] in offered]
    grant.hours.choices = durations_up_to(max(offered.values(), default=1))
    running = [given for given in db().scalars(select(Grant).where(Grant.expires_at > moment)
                                               .order_by(Grant.expires_at))
               if given.user_name != current_user.name and may_decide_for(policy, current_user, given.user_name)]
    labels = {name: site.label for name, site in policy.sites.items()}
    return render_template("requests/inbox.html", pending=pending, decided=decided, forms=forms, grant=grant,
                           labels=labels, zone=policy.timezone, blocked=blocked, running=running,
                           end_form=ButtonForm(formdata=None)), status
