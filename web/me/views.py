"""The person's own pages: what they may use right now and their usage this week; their account."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from storage.quota.reads import used_minutes
from web.clock import now
from web.db import db
from web.me import bp
from web.me.overview import budgets_now, overview
from web.me.requests import my_requests
from web.me.usage import week_start, week_usage
from web.overrides import effective_policy
from web.policy_source import PolicyUnavailable
from web.requests.forms import ButtonForm
from web.requests.teams import grantable_sites, site_choices

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@bp.get("/")
@login_required
def index():
    from web.requests.more import more_time_form  # here: web.requests imports the manager's pages, which import ours

    user, moment = current_user.name, now()
    try:
        policy = effective_policy(db(), moment)
    except PolicyUnavailable:
        return render_template("me/unavailable.html"), 503
    local = moment.astimezone(policy.timezone)
    sections = overview(policy, user, moment, used_minutes(db(), user, moment))
    labels = {name: site.label for name, site in policy.sites.items()}
    usage = week_usage(db(), user, local.date(), labels)
    return render_template(
        "me/index.html", sections=sections, budgets=budgets_now(policy, sections),
        usage=usage, most=max((week.minutes for week in usage), default=0), weekdays=WEEKDAYS,
        monday=week_start(local.date()), local=local, groups=sorted(policy.groups_of(user)),
        requests=my_requests(db(), user, labels), button_form=ButtonForm(formdata=None),
        more_form=more_time_form(), more_sites=set(grantable_sites(policy, user, site_choices(policy))))


@bp.get("/account")
@login_required
def account():
    return render_template("me/account.html", user=current_user)
