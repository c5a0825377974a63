"""The status page: proxies and their heartbeats, the directory sync, the policy as understood, warnings, device set-up.

It also shows the notifications waiting in the outbox, failing ones with their last error.
Heartbeats come through the database, so a proxy that cannot reach it only falls silent there; the
health reports that proxies on this machine keep in the data folder say why (database stalled or
down, since when, how many records wait in the spool).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select

from policy.loading.loader import check_policy
from storage.db import data_dir
from storage.outbox import waiting
from storage.usage.tables import ProxyNode
from storage.writer.health_report import read_reports
from web.admin import bp
from web.admin.rule_words import describe_default, describe_rule
from web.clock import now
from web.db import db
from web.devices import ca_certificate
from web.directory import settings as directory_settings, status as directory_status
from web.notify.notifier import mail_on
from web.overrides import effective
from web.policy_source import EXTENSION as POLICY_SOURCE, PolicyUnavailable
from web.roles import role_required

ALIVE = timedelta(seconds=60)   # proxies beat every few seconds; a minute of silence means trouble


@bp.get("/status")
@role_required("admin")
def status():
    moment = now()
    nodes = db().scalars(select(ProxyNode).order_by(ProxyNode.node_id)).all()
    source = current_app.extensions[POLICY_SOURCE]
    try:
        state = effective(db(), moment)
        policy, skipped = state.policy, state.skipped
    except PolicyUnavailable:
        policy, skipped = None, ()
    _, problems = check_policy(source.folder)
    return render_template(
        "admin/status.html", nodes=nodes, alive_since=moment - ALIVE, policy=policy, skipped=skipped,
        load_error=source.error, folder=source.folder, warnings=[p for p in problems if not p.is_error],
        rules=[(rule, describe_rule(policy, rule)) for rule in policy.doc.rules] if policy else [],
        default=describe_default(policy) if policy else None,
        ca_present=ca_certificate().exists(), reports=_local_reports(), outbox=waiting(db()),
        mail_on=mail_on(current_app.config), directory=directory_settings(), directory_status=directory_status(db()),
        synced_now=datetime.now(timezone.utc))   # the sync's own clock, whatever the panel's says


def _local_reports() -> list[dict]:
    """Health reports of the proxies sharing this panel's data folder (read from files: no database)."""
    data = Path(current_app.config["DATA"]) if current_app.config.get("DATA") else data_dir()
    return read_reports(data / "spool")
