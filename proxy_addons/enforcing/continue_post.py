"""The warn page's Continue: a form POST to a reserved path on the warned site itself.

The token must be genuine, fresh, unused, and issued to this identity for this site under the rule
that warns about it now. Then the site is allowed for the rule's `remember` minutes, and the browser
is sent back (303) to the page it came from, on the same site only. A form that cannot be what the
warn page sent (too large, compressed, not UTF-8, too many fields) gets a 4xx page saying so: bad input
is never reported as "policy unavailable".
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from mitmproxy import http

from proxy_addons.auth.identity import Who
from proxy_addons.enforcing.continued import ContinuedState
from proxy_addons.enforcing.deciding import Decider
from proxy_addons.enforcing.tokens import TokenRefused, TokenSigner
from proxy_addons.pages import answers
from proxy_addons.pages.views import PageContext

CONTINUE_PATH = "/.watercooler/continue"
MAX_FORM = 8192         # bytes; the warn page's form (token and return path) is far smaller
MAX_FIELDS = 10
DEFAULT_REMEMBER = 60   # minutes, when a warn rule does not say
logger = logging.getLogger("watercooler.warn")


def safe_next(value: str | None) -> str:
    """A path on this same site: anything else (other hosts, schemes, `//x`, `/\\x`) becomes `/`."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return "/"
    return value


def form_problem(request: http.Request) -> tuple[int, str] | None:
    """What is wrong with a Continue form, judged on its headers (before its body is read), or None."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM:
        return 413, f"the Continue form is larger than {MAX_FORM // 1024} KB"
    if request.headers.get("content-encoding", "identity").strip().lower() != "identity":
        return 415, "the Continue form is compressed"
    return None


def _read_form(body: bytes) -> dict[str, list[str]] | tuple[int, str]:
    if len(body) > MAX_FORM:
        return 413, f"the Continue form is larger than {MAX_FORM // 1024} KB"
    try:
        return parse_qs(body.decode("utf-8"), max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        return 400, "the Continue form is not UTF-8 text"
    except ValueError:
        return 400, f"the Continue form has more than {MAX_FIELDS} fields"


def handle_continue(flow: http.HTTPFlow, who: Who, decider: Decider, signer: TokenSigner,
                    continued: ContinuedState, sink: Any, page: PageContext) -> http.Response:
    form = _read_form(flow.request.raw_content or b"")
    if isinstance(form, tuple):
        logger.info("Continue refused for %s on %s: %s", who.user or "an anonymous client", flow.request.host, form[1])
        return answers.bad_request(form[0], form[1], flow.request.host)
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
        logger.info("Continue refused for %s on %s: %s", who.user or "an anonymous client", flow.request.host, refusal)
        return answers.continue_refused(str(refusal), page, next_path)
    continued.remember(who.key, redeemed.rule, redeemed.site, page.now, decision.remember or DEFAULT_REMEMBER,
                       nonce=redeemed.nonce, expires=redeemed.expires)
    if decision.site is not None:
        sink.attempt(who.user, decision.site, decision.rule, "continued", page.now)
    return http.Response.make(303, b"", {"Location": next_path, "Cache-Control": "no-store",
                                         "Referrer-Policy": "no-referrer"})
