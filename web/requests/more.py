"""One tap for more time when a budget is used up: from the employee's page, or the proxy's quota page
(which links to `/requests/more?site=SITE`, where the options are buttons)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from web.clock import now
from web.db import begin_write, db
from web.policy_source import current_policy
from web.requests import bp
from web.requests.extra import minutes_words, options
from web.requests.forms import MoreTimeForm
from web.requests.steps import Refused, ask_more, label_of, recipients_of
from web.requests.teams import grantable_sites, site_choices
from web.requests.views import actor, tell


def more_time_form(site: str | None = None) -> MoreTimeForm:
    """The form with today's options (the minutes each button posts)."""
    form = MoreTimeForm(formdata=None) if request.method == "GET" else MoreTimeForm()
    offered = options(current_app.config, now(), current_policy().timezone)
    form.minutes.choices = [(str(option.minutes), option.label) for option in offered]
    if site is not None:
        form.site.data = site
    return form


@bp.route("/more", methods=["GET", "POST"])
@login_required
def more():
    if request.method == "POST":
        begin_write()
    policy = current_policy()
    open_to_me = grantable_sites(policy, current_user.name, site_choices(policy))
    if request.method == "GET":
        site = request.args.get("site", "")
        if site not in open_to_me:
            abort(404)
        return render_template("requests/more.html", form=more_time_form(site), label=label_of(policy, site),
                               deciders=recipients_of(db(), policy, current_user.name))
    form = more_time_form()
    if not form.validate_on_submit() or form.site.data not in open_to_me:
        abort(400)
    minutes = int(form.minutes.data)
    try:
        ask_more(db(), policy, actor(), form.site.data, minutes, now(), tell())
    except Refused as exc:
        db().rollback()
        flash(str(exc), "info")
        return redirect(url_for("me.index"))
    db().commit()
    who = ", ".join(recipients_of(db(), policy, current_user.name)) or "the IT admins"
    flash(f"Asked {who} for {minutes_words(minutes)} of {label_of(policy, form.site.data)} today. "
          "Once approved, the proxy lets you in within seconds.", "success")
    return redirect(url_for("me.index"))
