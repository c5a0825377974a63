"""Preview a draft: the panel's what-if report for admins, over a draft folder the settings allow.

Only the folders listed in the `DRAFTS` setting can be chosen (the page never reads a path it is
given), and the replay runs on the panel's own database and rules. The figures follow the panel's
`MIN_GROUP_SIZE`, like every other page: `public` keeps only figures of that many people and adds up
only those, so nothing on the page, nor any sum or difference of it, gives back a hidden figure.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app, render_template, request
from flask_login import current_user

import policy
from policy.loading.problems import PolicyError
from policy.whatif.figures import BLOCKED_MORE, CHANGES
from policy.whatif.report import (
    HEADINGS,
    LIMITS,
    RULE_COLUMNS,
    most_changed,
    never_label,
    rule_rows,
    shown,
    verdict,
)
from policy.whatif.shown import public
from storage import audit
from storage.whatif.run import replay_usage
from web.admin import bp
from web.admin.whatif_chart import daily_chart
from web.clock import now
from web.db import db, engine
from web.policy_source import current_policy
from web.roles import role_required

PERIODS = (7, 14, 30, 90)    # days back, today included


@bp.get("/whatif")
@role_required("admin")
def whatif():
    drafts = [str(path) for path in current_app.config.get("DRAFTS") or []]
    chosen = request.args.get("draft")
    days = request.args.get("days", type=int, default=7)
    page = {"drafts": drafts, "chosen": chosen, "days": days if days in PERIODS else 7, "periods": PERIODS}
    if chosen is None or chosen not in drafts:
        return render_template("admin/whatif.html", **page, unknown=chosen is not None)
    try:
        draft = policy.load(Path(chosen))
    except PolicyError as exc:
        return render_template("admin/whatif.html", **page, problems=exc.problems)
    current = current_policy()
    until = now().astimezone(current.timezone).date()
    since = until - timedelta(days=page["days"] - 1)
    report = replay_usage(engine(), current, draft, since, until)
    audit.record(db(), actor=current_user.name, action="draft previewed", target=f"draft:{chosen}",
                 after={"since": since.isoformat(), "until": until.isoformat()}, source=request.remote_addr)
    db().commit()
    minimum = max(1, int(current_app.config["MIN_GROUP_SIZE"]))
    report = public(report, minimum)

    def value(cell):
        return shown(cell, minimum)
    tables = {kind: [(name, [value(bucket.cells[c]) for c in CHANGES], bucket)
                     for name, bucket in sorted(getattr(report, kind).items())
                     if any(cell.value for cell in bucket.cells.values())]
              for kind in ("groups", "sites", "categories")}
    never = [rule for rule in draft.doc.rules if not (report.draft.get(rule.name) and report.draft[rule.name].matched)]
    return render_template(
        "admin/whatif.html", **page, report=report, verdict=verdict(report, minimum), limits=LIMITS,
        minimum=minimum, rules=rule_rows(report, draft.doc), rule_columns=RULE_COLUMNS, value=value,
        never=never, never_label=never_label(minimum), most=most_changed(report), tables=tables, changes=CHANGES,
        headings=HEADINGS, chart=daily_chart(report, since, until, minimum), blocked_more=BLOCKED_MORE)
