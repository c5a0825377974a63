"""The whole loop in a browser: an employee is blocked by the real proxy, asks for access from the block
page, the manager approves in the panel, and the employee's next visit passes — within seconds."""
from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, screenshot
from tests.support.net import poll
from tests.support.panel_proxy import panel_and_proxy, sign_in
from tests.support.proxy_env import TEST_RULES

pytestmark = pytest.mark.e2e
# The proxy tests' company, with erin in a team that carol manages.
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n",
                           "  comms: {members: [cleo]}\n  marketing: {members: [erin], managers: [carol]}\n")


@pytest.fixture
def loop(tmp_path):
    """A panel and a proxy sharing one database and one rules folder, both at Thursday 10:00 in Berlin."""
    with panel_and_proxy(tmp_path, RULES) as (_, panel, env):
        yield panel, env


def test_blocked_ask_approved_and_through(browser, loop):
    panel, env = loop
    employee = browser.new_context(viewport=DESKTOP, ignore_https_errors=True,
                                   proxy={"server": env.proxy.url, "username": "erin", "password": "pw"})
    manager = browser.new_context(viewport=DESKTOP)
    try:
        page = employee.new_page()
        page.goto("https://www.facebook.com/")
        assert "Facebook" in page.locator("h1").inner_text()
        screenshot(page, "proxy-block-page")
        page.get_by_role("link", name="Ask for access").click()
        sign_in(page, "erin")
        assert page.get_by_label("Site").input_value() == "facebook"
        page.get_by_label("Why you need it").fill("Answering customers on our page today")
        page.get_by_role("button", name="Send request").click()
        assert "Request sent to carol." in page.get_by_role("status").inner_text()

        inbox = manager.new_page()
        inbox.goto(panel + "/requests/")
        sign_in(inbox, "carol")
        inbox.get_by_role("article", name="Request from erin").get_by_role("button", name="Approve").click()
        assert "Approved: erin may use Facebook" in inbox.get_by_role("status").inner_text()

        def origin_page() -> bool:
            page.goto("https://www.facebook.com/")
            return "origin page for www.facebook.com" in page.content()
        poll(origin_page, timeout=15, interval=0.5, what="the grant to reach the proxy")
        page.goto(panel + "/me/")
        assert "Approved by carol" in page.get_by_role("region", name="Your requests").inner_text()
    finally:
        employee.close()
        manager.close()
