"""Turns a decision into the words and numbers an employee's page shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from policy.actions import PERIODS
from policy.decision import Decision
from policy.engine import Policy
from policy.friendly_time import friendly_moment


@dataclass(frozen=True)
class PageContext:
    """What every page needs besides the decision: the policy (labels, zone), now, the panel, the host."""
    policy: Policy
    now: datetime
    panel_url: str | None
    host: str


def policy_zone(policy: Policy) -> tzinfo:
    zone = getattr(policy, "timezone", None) or "UTC"
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def site_label(policy: Policy, site: str | None, fallback: str) -> str:
    if site is None:
        return fallback
    for holder in (policy, getattr(policy, "doc", None)):
        sites = getattr(holder, "sites", None)
        if sites is not None and site in sites:
            return getattr(sites[site], "label", site)
    return site


def common(decision: Decision, page: PageContext) -> dict[str, Any]:
    label = site_label(page.policy, decision.site, page.host)
    panel = (page.panel_url or "").rstrip("/")
    return {
        "label": label,
        "reason": decision.reason,
        "message": decision.message,
        "host": page.host,
        "alternatives": [{"label": alt.label, "url": alt.url} for alt in decision.alternatives
                         if alt.site != decision.site],
        "policy_url": f"{panel}/" if panel else None,
        "request_url": f"{panel}/requests/new?site={quote(decision.site, safe='')}" if panel and decision.site
        else None,
    }


def opens(decision: Decision, page: PageContext) -> str | None:
    if decision.until is None:
        return None
    return friendly_moment(decision.until, page.now, policy_zone(page.policy))


def quota_view(decision: Decision, page: PageContext) -> dict[str, Any] | None:
    quota = decision.quota
    if quota is None:
        return None
    share = quota.used / quota.limit if quota.limit else 1.0
    return {
        "used": min(quota.used, quota.limit) if quota.limit else quota.used,
        "limit": quota.limit,
        "remaining": quota.remaining,
        "period": PERIODS.get(quota.per, ""),
        "tenths": max(0, min(100, round(share * 10) * 10)),
        "resets": friendly_moment(quota.resets_at, page.now, policy_zone(page.policy)),
    }
