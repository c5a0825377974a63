"""The proxy's answers as a guest meets them in a browser: a site never open to them says so, and whom
to ask, with no link to a sign-in they cannot have; a page's script gets JSON it can read."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from proxy_addons.pages import answers
from proxy_addons.pages.views import PageContext
from tests.support.proxy_env import TEST_RULES

# Everyone on this machine's address is on the guest network, and nobody signs in to this proxy.
PROXY_RULES = TEST_RULES.replace("groups:\n", "networks:\n  guest-wifi: [127.0.0.0/8]\ngroups:\n", 1).replace(
    "rules:\n", """rules:
  - name: guests-no-social
    who: [network:guest-wifi, anonymous]
    sites: [facebook, instagram]
    action: block
    message: Guest access covers work sites only. Ask your host if you need something else.
""", 1)
assert "guests-no-social" in PROXY_RULES and "guest-wifi: [127.0.0.0/8]" in PROXY_RULES


@pytest.mark.e2e
def test_a_guest_is_told_the_site_is_not_available_on_their_network(env, browser):
    context = browser.new_context(proxy={"server": env.proxy.url}, ignore_https_errors=True,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("https://www.facebook.com/")
    assert page.locator("h1").inner_text() == "Facebook is not available"
    assert page.locator(".badge").inner_text() == "Closed"                      # never "Paused": it will not lift
    assert page.locator(".reason").inner_text() == "Facebook is not available on the guest-wifi network."
    body = page.locator("main").inner_text()
    assert "lunch" not in body and "Opens again" not in body and "12:00" not in body
    assert page.get_by_role("link", name="Ask for access").count() == 0
    assert page.get_by_role("link", name="See my policy").count() == 0
    assert page.get_by_role("link", name="My policy").count() == 0
    assert page.get_by_text("ask the person you are visiting or the IT team").is_visible()
    context.close()


def test_a_pages_own_request_gets_json_and_a_navigation_a_page():
    decision = SimpleNamespace(site="facebook", rule="r", rule_action="block", action="block", reason="Closed.",
                               message=None, until=None, opens=datetime(2026, 11, 26, 11, tzinfo=timezone.utc),
                               quota=None, alternatives=(), bundle=False)
    page = PageContext(SimpleNamespace(timezone="Europe/Berlin", sites={}),
                       datetime(2026, 11, 26, 9, tzinfo=timezone.utc), None, "www.facebook.com")
    for headers in ({"sec-fetch-mode": "cors", "sec-fetch-dest": "empty", "accept": "*/*"},
                    {"sec-fetch-mode": "same-origin", "accept": "text/html"},
                    {"accept": "application/json"}):
        answer = answers.block(decision, page, SimpleNamespace(method="POST", headers=headers))
        assert answer.headers["content-type"] == "application/json", headers
        assert json.loads(answer.content) == {"error": "blocked", "site": "facebook", "rule": "r", "reason": "Closed.",
                                              "message": None, "opens": "2026-11-26T11:00:00+00:00",
                                              "opens_text": "today at 12:00"}
    for headers in ({"sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "accept": "application/json"},
                    {"accept": "text/html,application/json"}, {}):
        answer = answers.block(decision, page, SimpleNamespace(method="GET", headers=headers))
        assert answer.headers["content-type"].startswith("text/html"), headers
