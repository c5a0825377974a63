"""The warn page's Continue: a form POST to a reserved path on the warned site itself.

The token must be genuine, fresh, unused, and issued to this identity for this site under the rule
that warns about it now. Then the site is allowed for the rule's `remember` minutes, and the browser
is sent back (303) to the page it came from, on the same site only.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from mitmproxy import http

from proxy_addons import answers
from proxy_addons.continued import ContinuedState
from proxy_addons.deciding import Decider
from proxy_addons.identity import Who
from proxy_addons.tokens import TokenRefused, TokenSigner
from proxy_addons.views import PageContext

CONTINUE_PATH = "/.watercooler/continue"
MAX_FORM = 8192
DEFAULT_REMEMBER = 60   # minutes, when a warn rule does not say
logger = logging.getLogger("watercooler.warn")


def safe_next(value: str | None) -> str:
    """A path on this same site: anything else (other hosts, schemes, `//x`, `/\\x`) becomes `/`."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return "/"
    return value


def handle_continue(flow: http.HTTPFlow, who: Who, decider: Decider, signer: TokenSigner,
                    continued: ContinuedState, sink: Any, page: PageContext) -> http.Response:
    body = flow.request.get_content(strict=False) or b""
    form = parse_qs(body[:MAX_FORM].decode("utf-8", "replace"), max_num_fields=10)
    token = (form.get("token") or [""])[0]
    next_path = safe_next((form.get("next") or ["/"])[0])
    site_url = f"{flow.request.scheme}://{flow.request.host}/"
    decision = decider.decide(who, site_url, "GET", page.now)
    warned_rule = decision.rule if decision.rule_action == "warn" else None
    try:
        if warned_rule is None or decision.site is None:
            raise TokenRefused("This site does not ask for a Continue right now.")
        redeemed = signer.redeem(token, who.key, decision.site, warned_rule, page.now)
    except TokenRefused as refusal:
        logger.info(f"Continue refused for {who.user or who.client_ip} on {flow.request.host}: {refusal}")
        return answers.continue_refused(str(refusal), page, next_path)
    continued.remember(who.key, redeemed.rule, redeemed.site, page.now, decision.remember or DEFAULT_REMEMBER)
    if decision.site is not None:
        sink.attempt(who.user, decision.site, decision.rule, "continued", page.now)
    return http.Response.make(303, b"", {"Location": next_path, "Cache-Control": "no-store",
                                         "Referrer-Policy": "no-referrer"})
