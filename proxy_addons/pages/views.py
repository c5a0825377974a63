"""Turns a decision into the words and numbers an employee's page shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from mitmproxy import http

from policy.actions import PERIODS
from policy.engine.decision import Decision
from policy.engine.engine import Policy
from policy.words.friendly_time import friendly_moment


@dataclass(frozen=True)
class PageContext:
    """What every page needs besides the decision: the policy (labels, zone), now, the panel, the host."""
    policy: Policy | None       # None: no valid policy is loaded (the page then says so)
    now: datetime
    panel_url: str | None
    host: str
    signed_in: bool = True      # False: the proxy does not know who this is (a guest, a device)


# For visitors the panel cannot know: they have no account to sign in with, so no link leads there.
ASK_WHOM = ("You are browsing as a guest, so there is no account to ask with: if you need this site, "
            "ask the person you are visiting or the IT team.")


def policy_zone(policy: Policy | None) -> tzinfo:
    zone = getattr(policy, "timezone", None) or "UTC"
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def site_label(policy: Policy | None, site: str | None, fallback: str) -> str:
    if site is None:
        return fallback
    for holder in (policy, getattr(policy, "doc", None)):
        sites = getattr(holder, "sites", None)
        if sites is not None and site in sites:
            return getattr(sites[site], "label", site)
    return site


def common(decision: Decision, page: PageContext) -> dict[str, Any]:
    label = site_label(page.policy, decision.site, page.host)
    panel = (page.panel_url or "").rstrip("/") if page.signed_in else ""
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
        # a used-up budget: the panel's one-tap options for more time today
        "more_url": f"{panel}/requests/more?site={quote(decision.site, safe='')}"
        if panel and decision.site and decision.quota is not None and decision.quota.remaining <= 0 else None,
        "ask_whom": None if page.signed_in else ASK_WHOM,
    }


def opens(decision: Decision, page: PageContext) -> str | None:
    """When the person may next use the site: the engine's next opening, not merely its next change."""
    moment = opening(decision)
    if moment is None:
        return None
    return friendly_moment(moment, page.now, policy_zone(page.policy))


def opening(decision: Decision) -> datetime | None:
    """`Decision.opens`; a decision made without it (an older engine's) has only `until` to go by."""
    return decision.opens if hasattr(decision, "opens") else decision.until


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


def way_back(request: http.Request, page: PageContext, decision: Decision) -> str:
    """The page the person was on (the Referer) when it belongs to the same site; else the site's home.

    A Referer from anywhere else is not followed: the refusal page must not become a way to send
    people to another site."""
    referer = request.headers.get("referer", "")
    try:
        parts = urlsplit(referer)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is not None and parts.scheme in ("http", "https") and host and not parts.username \
            and (host == page.host.lower() or _same_site(page.policy, host, decision.site)):
        return referer
    return f"https://{page.host}/"


def _same_site(policy: Policy | None, host: str, site: str | None) -> bool:
    finder = getattr(policy, "site_for_host", None)
    found = finder(host) if finder is not None and site is not None else None
    return found is not None and found.name == site
