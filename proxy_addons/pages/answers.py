"""The proxy's own answers: block, warn, read-only, quota notice, refusals and "policy unavailable"."""
from __future__ import annotations

from datetime import timedelta

from mitmproxy import http

from policy.actions import REGISTRY, budget_figures, page_for
from policy.engine.decision import Decision
from policy.words import reasons
from policy.words.friendly_time import friendly_duration
from proxy_addons.pages import render as pages, views
from proxy_addons.pages.views import PageContext

NEVER_HEADING = "{label} is not available"
READING_STILL = ("Reading {label} still works: pages, profiles and feeds open as usual. Only posting, "
                 "uploading and editing are held back, and what you wrote was not sent.")


def block(decision: Decision, page: PageContext, request: http.Request) -> http.Response:
    """The page the deciding rule's action answers a blocked request with (policy/actions.py)."""
    answer = page_for("block", decision.rule_action)
    values = views.common(decision, page)
    opens = views.opens(decision, page)
    if pages.wants_json(request):        # a page's script asked (fetch, XHR), not a person: JSON it can read
        moment = views.opening(decision)
        return pages.json_response(answer.status, {
            "error": "read-only" if decision.rule_action == "read-only" else "blocked", "site": decision.site,
            "rule": decision.rule, "reason": decision.reason, "message": decision.message,
            "opens": moment.isoformat() if moment else None, "opens_text": opens})
    heading, badge, extra = answer.heading.format(**_budget(decision, page, values["label"])), answer.badge, {}
    if decision.rule_action == "read-only":
        extra = {"still": READING_STILL.format(label=values["label"]), "back": views.way_back(request, page, decision)}
    elif opens is None:
        # "Paused" promises that it lifts by itself; a site that never opens to this person is closed.
        heading, badge = NEVER_HEADING.format(label=values["label"]), "Closed"
    return pages.html_response(answer.status, answer.template, title=heading, heading=heading, tone=answer.tone,
                               badge=badge, opens=opens, opens_label=answer.opens_label,
                               quota=views.quota_view(decision, page), **extra, **values)


def warn(decision: Decision, page: PageContext, token: str, next_path: str) -> http.Response:
    answer = page_for("warn", decision.rule_action)
    values = views.common(decision, page)
    heading = answer.heading.format(label=values["label"])
    remember = friendly_duration_minutes(decision.remember)
    return pages.html_response(answer.status, answer.template, title=heading, heading=heading, tone=answer.tone,
                               badge=answer.badge, token=token, next=next_path, remember=remember, **values)


def notice(decision: Decision, page: PageContext, next_path: str) -> http.Response:
    """The budget's one-time notice, while the site is still open."""
    answer = REGISTRY[decision.rule_action].notice or REGISTRY["quota"].notice
    assert answer is not None and decision.quota is not None     # only a budget's allow has a notice
    values = views.common(decision, page)
    heading = answer.heading.format(**_budget(decision, page, values["label"])).strip()
    values["reason"] = reasons.notice(decision.reason)
    return pages.html_response(answer.status, answer.template, title=heading, heading=heading, tone=answer.tone,
                               badge=answer.badge, quota=views.quota_view(decision, page), next=next_path, **values)


def _budget(decision: Decision, page: PageContext, label: str) -> dict:
    """A heading's fields: the site's label, and for a budget its figures and name (policy/words/budgets.py)."""
    if decision.quota is None:
        return {"label": label, "budget": label}
    budget = getattr(page.policy, "budgets", {}).get(decision.rule) if decision.rule else None
    return {"label": label, **budget_figures(decision.quota, budget, label)}


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
