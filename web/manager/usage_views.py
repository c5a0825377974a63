"""Team usage pages: a group's week in tables and charts, and the same numbers as CSV.

Privacy first: only whole groups of at least `MIN_GROUP_SIZE` people, and within them only numbers
from at least that many people (`web.manager.summaries`); every opening of a group's page or CSV is
in the audit trail (who, which group, which week).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user

from storage import audit
from web.clock import now
from web.csv_export import csv_response
from web.db import db
from web.manager import bp
from web.manager.adjustable import managed_groups, members
from web.manager.charts import colours, heat_cells, stacked_bars
from web.manager.summaries import team_week
from web.manager.trend import community_trend
from web.me.usage import week_start
from web.policy_source import current_policy
from web.roles import role_required

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _choice():
    """(policy, groups this account may see, chosen group, its people, chosen week's Monday)."""
    policy = current_policy()
    groups = managed_groups(policy, current_user)
    group = request.args.get("group") or (groups[0] if groups else None)
    if group is not None and group not in groups:
        abort(403)
    today = now().astimezone(policy.timezone).date()
    monday = _week(request.args["week"]) if "week" in request.args else week_start(today)
    people = sorted(members(policy, group)) if group else []
    return policy, groups, group, people, monday, today


def _audit_view(group: str, monday: date, form: str) -> None:
    audit.record(db(), actor=current_user.name, action="team usage viewed", target=f"group:{group}",
                 after={"week": monday.isoformat(), "as": form}, source=request.remote_addr)
    db().commit()


FIRST_WEEK, LAST_WEEK = date(1970, 1, 5), date(2999, 12, 30)   # Mondays; beyond them no usage can exist


def _week(text: str) -> date:
    """The Monday of the week `text` (YYYY-MM-DD) falls in; 400 with the fix for anything else."""
    try:
        monday = week_start(date.fromisoformat(text.strip()))
    except (ValueError, OverflowError):
        abort(400, f"The week {text[:40]} is not a date: give the week as YYYY-MM-DD, e.g. 2026-11-23.")
    if not FIRST_WEEK <= monday <= LAST_WEEK:
        abort(400, f"There is no usage in the week of {monday.isoformat()}: give a week between "
                   f"{FIRST_WEEK.year} and {LAST_WEEK.year}.")
    return monday


@bp.get("/usage")
@role_required("manager", "admin")
def usage():
    policy, groups, group, people, monday, today = _choice()
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    shown = group is not None and len(people) >= minimum
    this_week = week_start(today)
    # A week under way is compared with the same days (Monday to today) of the weeks before it.
    days = today.weekday() + 1 if monday == this_week else 7
    if group is not None:
        _audit_view(group, monday, "page")
    week = team_week(db(), policy, group, monday, minimum) if shown else None
    trend = community_trend(db(), policy, group, monday, minimum, days=days) if shown else []
    labels = {name: site.label for name, site in policy.sites.items()}
    categories = {name: category.label for name, category in policy.doc.categories.items()}
    internal = {name for name, category in policy.doc.categories.items() if category.internal}
    fills = colours(sorted(categories), internal)
    charts = {}
    if week is not None:
        charts = {"daily": stacked_bars(week.by_category, categories, fills, list(WEEKDAYS)),
                  "heat": heat_cells(week.heat, list(WEEKDAYS), minimum),
                  "trend": stacked_bars({"community": [minutes for _, minutes in trend]}, {"community": "Community"},
                                        {"community": fills.get(min(internal, default=""), "#1e7a3c")},
                                        [monday_.strftime("%d %b") for monday_, _ in trend], height=160)}
    return render_template(
        "manager/usage.html", groups=groups, group=group, people=len(people), minimum=minimum, week=week,
        trend=trend, labels=labels, categories=categories, fills=fills, charts=charts, weekdays=WEEKDAYS,
        monday=monday,
        days=[monday + timedelta(days=i) for i in range(7)],
        previous=url_for("manager.usage", group=group, week=(monday - timedelta(days=7)).isoformat()),
        following=url_for("manager.usage", group=group, week=(monday + timedelta(days=7)).isoformat())
        if monday < this_week else None,
        partial_days=WEEKDAYS[days - 1] if days < 7 else None,
        empty_why=_empty_why(group, monday, this_week, today, minimum) if week is not None and not week.total else None,
        heat_top=max((value or 0 for row in week.heat for value in row), default=0) if week is not None else 0,
        csv=url_for("manager.usage_csv", group=group, week=monday.isoformat()) if shown else None)


def _empty_why(group: str, monday: date, this_week: date, today: date, minimum: int) -> str:
    """Why a week shows no minutes at all."""
    if monday > this_week:
        return "This week has not begun yet."
    kept = int(current_app.config["RETENTION_DAYS"])
    if monday + timedelta(days=7) <= today - timedelta(days=kept):
        return f"Usage is kept for {kept} days and then deleted, so nothing of this week is left."
    return (f"Nobody in {group} used a social site this week, or no site had {minimum} people or more on any day "
            "(fewer are never shown).")


@bp.get("/usage.csv")
@role_required("manager", "admin")
def usage_csv():
    policy, _, group, people, monday, _ = _choice()
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    if group is None or len(people) < minimum:
        abort(403)
    _audit_view(group, monday, "csv")
    week = team_week(db(), policy, group, monday, minimum)
    hidden = f"fewer than {minimum} people"
    rows: list[list[object]] = [["group", "day", "kind", "name", "label", "value"]]
    days = [(monday + timedelta(days=i)).isoformat() for i in range(7)]
    for site, minutes in sorted(week.by_site.items()):
        site_label = policy.sites[site].label if site in policy.sites else site
        rows += [[group, days[i], "site minutes", site, site_label, hidden if m is None else m]
                 for i, m in enumerate(minutes)]
    for category, minutes in sorted(week.by_category.items()):
        label = policy.doc.categories[category].label if category in policy.doc.categories else category
        rows += [[group, days[i], "category minutes", category, label, m] for i, m in enumerate(minutes)]
    for kind, counts in (("blocked attempts", week.blocked), ("warned attempts", week.warned),
                         ("people out of budget", week.runouts)):
        rows += [[group, days[i], kind, "", "", hidden if count is None else count] for i, count in enumerate(counts)]
    return csv_response(rows, f"watercooler-{group}-{monday.isoformat()}.csv")
