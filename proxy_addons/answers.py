"""The proxy's own answers: block, warn, read-only, quota notice, refusals and "policy unavailable"."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from mitmproxy import http

from proxy_addons import pages, views
from policy.friendly_time import friendly_duration
from proxy_addons.views import PageContext


def block(decision: Any, page: PageContext, request: http.Request) -> http.Response:
    if decision.rule_action == "read-only":          # a read-only rule blocks only what writes
        return read_only(decision, page, request)
    values = views.common(decision, page)
    quota = views.quota_view(decision, page)
    heading = (f"You've used your time on {values['label']}" if quota and quota["remaining"] <= 0
               else f"{values['label']} is closed right now")
    return pages.html_response(403, "block.html", title=heading, heading=heading, tone="block",
                               badge="Paused", opens=views.opens(decision, page), quota=quota, **values)


def read_only(decision: Any, page: PageContext, request: http.Request) -> http.Response:
    values = views.common(decision, page)
    opens = views.opens(decision, page)
    heading = f"Posting on {values['label']} is closed right now"
    if pages.wants_json(request):
        return pages.json_response(403, {
            "error": "read-only", "site": decision.site, "rule": decision.rule, "reason": decision.reason,
            "message": decision.message, "opens": decision.until.isoformat() if decision.until else None,
            "opens_text": opens})
    return pages.html_response(403, "simple.html", title=heading, heading=heading, tone="block", badge="Read-only",
                               opens=opens, opens_label="Posting opens", **values)


def warn(decision: Any, page: PageContext, token: str, next_path: str) -> http.Response:
    values = views.common(decision, page)
    heading = f"A moment before {values['label']}"
    remember = friendly_duration_minutes(decision.remember)
    return pages.html_response(403, "warn.html", title=heading, heading=heading, tone="warn", badge="Heads-up",
                               token=token, next=next_path, remember=remember, **values)


def notice(decision: Any, page: PageContext, next_path: str) -> http.Response:
    values = views.common(decision, page)
    quota = views.quota_view(decision, page)
    left = decision.quota.remaining
    heading = f"{left} minute{'s' if left != 1 else ''} left on {values['label']} {quota['period'] if quota else ''}"
    values["reason"] = "Just so you know: when your budget is used up, the site pauses until it resets."
    return pages.html_response(200, "notice.html", title=heading, heading=heading.strip(), tone="notice",
                               badge="Budget", quota=quota, next=next_path, **values)


def continue_refused(why: str, page: PageContext, next_path: str | None) -> http.Response:
    return pages.html_response(403, "simple.html", title="That didn't work", heading="That didn't work",
                               tone="error", badge="Not continued", reason=why, host=page.host, next=next_path)


def unavailable(host: str) -> http.Response:
    reason = ("Watercooler could not check this request against your organisation's policy, so it is "
              "paused to be safe. Please try again in a minute.")
    return pages.html_response(503, "simple.html", title="Policy unavailable", heading="Policy unavailable",
                               tone="error", badge="Paused", reason=reason, host=host)


def host_problem(status: int, reason: str, host: str) -> http.Response:
    return bad_request(status, reason, host)


def bad_request(status: int, reason: str, host: str) -> http.Response:
    """A request refused for what it is (4xx), not for the policy; 421 asks the browser to retry."""
    heading = "Please reload the page" if status == 421 else "This request can't be checked"
    return pages.html_response(status, "simple.html", title=heading, heading=heading, tone="error",
                               badge="Refused", reason=f"Watercooler refused it: {reason}.", host=host)


def friendly_duration_minutes(minutes: int | None) -> str | None:
    if not minutes:
        return None
    return friendly_duration(timedelta(minutes=minutes))
