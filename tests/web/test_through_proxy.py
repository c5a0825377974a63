"""The whole loop in a browser: an employee is blocked by the real proxy, asks for access from the block
page, the manager approves in the panel, and the employee's next visit passes — within seconds."""
from __future__ import annotations

import pytest

from storage.accounts import new_user
from tests.support.browser import DESKTOP, screenshot
from tests.support.live_panel import serve
from tests.support.net import poll
from tests.support.proxy_env import TEST_RULES, start_env, write_rules
from tests.web.conftest import PASSWORD, THURSDAY_10
from web import create_app
from web.db import db

pytestmark = pytest.mark.e2e
# The proxy tests' company, with erin in a team that carol manages.
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n",
                           "  comms: {members: [cleo]}\n  marketing: {members: [erin], managers: [carol]}\n")


@pytest.fixture
def loop(tmp_path):
    """A panel and a proxy sharing one database and one rules folder, both at Thursday 10:00 in Berlin."""
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    rules = write_rules(tmp_path / "panel-rules", RULES)
    app = create_app({"DB": url, "DATA": str(tmp_path), "SECRET_KEY": "test", "RULES": str(rules),
                      "CLOCK": lambda: THURSDAY_10})
    with app.app_context():
        db().add_all([new_user("erin", "employee", PASSWORD, must_change=False),
                          new_user("carol", "manager", PASSWORD, must_change=False)])
        db().commit()
    with serve(app) as panel:
        env = start_env(tmp_path, RULES, options={"proxyauth": "any", "watercooler_db": url,
                                                  "watercooler_panel_url": panel})
        try:
            yield panel, env
        finally:
            env.stop()


def sign_in(page, name: str) -> None:
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


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
