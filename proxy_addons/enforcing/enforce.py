"""Deciding each HTTP request (plain, or inside an intercepted connection) and answering for the policy.

`request` decides on the request's headers (the `requestheaders` hook, before any of it reaches the
site); `body` handles the few requests whose body the proxy reads itself (marked `KEEP_BODY`). A
non-allow decision is answered by the proxy itself, without contacting the site: the block page,
the warn page, the read-only page, or the one-time quota notice. On a read-only site a read is judged
again on what it does (`writes`). Allowed requests are signals of use for the usage counter (a page
load makes the minute active, see `usage`); an allowed connection is closed when its decision expires.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from mitmproxy import http

from policy.engine.decision import Decision
from policy.engine.reading import reads
from proxy_addons.auth.identity import Who
from proxy_addons.enforcing.continue_post import CONTINUE_PATH, form_problem, handle_continue
from proxy_addons.enforcing.continued import ContinuedState, QuotaNotices, notice_threshold
from proxy_addons.enforcing.deciding import Decider, site_url
from proxy_addons.enforcing.hostcheck import check_hosts
from proxy_addons.enforcing.tokens import TokenSigner
from proxy_addons.enforcing.writes import judged_method
from proxy_addons.pages import answers
from proxy_addons.pages.views import PageContext
from proxy_addons.tunnels.connections import Connections
from proxy_addons.usage.counter import BUSY, UsageCounter, activity, is_page_load

logger = logging.getLogger("watercooler.enforce")
KEEP_BODY = "watercooler_body"     # flow.metadata: the proxy reads this request's body (never streamed)


@dataclass
class Enforcer:
    decider: Decider
    counter: UsageCounter
    signer: TokenSigner
    continued: ContinuedState
    notices: QuotaNotices
    connections: Connections
    panel_url: str | None = None

    def request(self, flow: http.HTTPFlow, who: Who) -> None:
        request = flow.request
        host, method = request.host, request.method
        state = self.connections.get(flow.client_conn)
        if state is not None and state.unavailable:
            flow.response = answers.unavailable(host)
            return
        problem = check_hosts(flow, state.connect_host if state else None)
        if problem is not None:
            logger.info("refused %s to %s: %s", method, host, problem.reason)
            flow.response = answers.host_problem(problem.status, problem.reason, host)
            return
        host = request.host                  # re-aimed at the named host inside a CONNECT to a bare address
        if method == "POST" and request.path.split("?", 1)[0] == CONTINUE_PATH:
            refused = form_problem(request)
            if refused is not None:
                flow.response = answers.bad_request(refused[0], refused[1], host)
            else:
                flow.metadata[KEEP_BODY] = "continue"      # decided with the form, in `body`
            return
        now = self.decider.clock.now()
        # The policy decides on the host: the path never leaves this function (privacy, and speed);
        # on a read-only site `writes` searches the query for `_method` alone.
        url = site_url(request)
        decision = self.decider.decide(who, url, method, now)
        self._enforce(flow, who, self._judge_writes(who, request, url, decision, now), now, url)

    def body(self, flow: http.HTTPFlow, who: Who) -> None:
        """The request hook, for requests marked KEEP_BODY: the warn page's Continue form, and a read on a
        read-only site, whose body may show only now (HTTP/2 can send one its headers did not announce)."""
        kept, request = flow.metadata.get(KEEP_BODY), flow.request
        if kept == "continue":
            flow.response = handle_continue(flow, who, self.decider, self.signer, self.continued,
                                            self.counter.sink, self._page(self.decider.clock.now(), request.host, who))
        elif kept == "read-only" and request.raw_content:
            judged = judged_method(request)
            if judged != request.method:
                now = self.decider.clock.now()
                url = site_url(request)
                decision = self.decider.decide(who, url, judged, now)
                if decision.action != "allow":
                    self._enforce(flow, who, decision, now, url)

    def _enforce(self, flow: http.HTTPFlow, who: Who, decision: Decision, now: datetime, url: str) -> None:
        """Answer for a decision on this request (`url`: its `site_url`, worked out once per request)."""
        request, host = flow.request, flow.request.host
        flow.metadata["watercooler"] = decision.action
        if decision.action == "block":
            self._attempt(who, decision, "blocked", now, request)
            flow.response = answers.block(decision, self._page(now, host, who), request)
        elif decision.action == "warn":
            self._attempt(who, decision, "warned", now, request)
            token = self.signer.issue(who.key, decision.site or decision.host, decision.rule or "", now)
            flow.response = answers.warn(decision, self._page(now, host, who), token, _return_path(request))
        else:
            self._allow(flow, who, decision, now, url)

    def _judge_writes(self, who: Who, request: http.Request, url: str, decision: Decision,
                      now: datetime) -> Decision:
        """A read that a read-only rule let through may still write: decide again on what it does."""
        if decision.rule_action != "read-only" or decision.action != "allow":
            return decision
        judged = judged_method(request)
        if judged == request.method:
            return decision
        return self.decider.decide(who, url, judged, now)

    def _page(self, now: datetime, host: str, who: Who) -> PageContext:
        return PageContext(self.decider.policy, now, self.panel_url, host, signed_in=who.user is not None)

    def _allow(self, flow: http.HTTPFlow, who: Who, decision: Decision, now: datetime, url: str) -> None:
        if decision.rule_action == "read-only":
            flow.metadata[KEEP_BODY] = "read-only"     # its content is judged again in `body`
        if decision.site is not None and not decision.bundle and flow.websocket is None:
            signals = activity(flow.request)
            if signals == BUSY and is_page_load(flow.request) and self._notice_due(who, decision):
                # The notice is our page, not the site: reading it uses none of the minutes it announces.
                flow.response = answers.notice(decision, self._page(now, flow.request.host, who),
                                               _return_path(flow.request))
                return
            self.counter.note(who.user, decision, now, signals)
        self.connections.hold(flow.client_conn, who, url, decision.until,
                              method=flow.request.method)

    def _notice_due(self, who: Who, decision: Decision) -> bool:
        quota, rule = decision.quota, decision.rule
        if quota is None or rule is None or decision.rule_action != "quota" or decision.bundle:
            return False
        if quota.remaining > notice_threshold(quota.limit) or quota.remaining <= 0:
            return False
        if not self.notices.due(who.key, rule, quota.period_start):
            return False
        self.notices.mark_shown(who.key, rule, quota.period_start)
        return True

    def _attempt(self, who: Who, decision: Decision, kind: str, now: datetime, request: http.Request) -> None:
        """Page loads and writes count as attempts; a page's images and scripts do not."""
        counts = is_page_load(request) or not reads(request.method) or decision.rule_action == "read-only"
        if counts and decision.site is not None and not decision.bundle:
            self.counter.sink.attempt(who.user, decision.site, decision.rule, kind, now)


def _return_path(request: http.Request) -> str:
    """Where Continue leads back to: this page for GETs, the site's front page otherwise."""
    path = request.path
    if request.method == "GET" and path.startswith("/") and not path.startswith("//") and path.isascii():
        return path         # (a path with raw non-ASCII bytes could not even be written into the page)
    return "/"
