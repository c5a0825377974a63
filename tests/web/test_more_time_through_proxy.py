"""More time, the whole loop in a browser through the real proxy: a used-up budget, "15 more minutes?"
on the quota page, one tap in the panel, the manager sees the count and approves, the next page load
passes, and once the extra minutes are used the site stops again (usage written as the proxies write it)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from storage.usage.tables import QuotaCharge
from tests.support.browser import DESKTOP, screenshot
from tests.support.net import poll
from tests.support.panel_proxy import panel_and_proxy, sign_in
from tests.support.proxy_env import TEST_RULES
from web.db import db

pytestmark = pytest.mark.e2e
# The proxy tests' company: erin in carol's team, and managers may give more of reddit's 5-minute budget.
TEAM = "  comms: {members: [cleo]}\n  marketing: {members: [erin], managers: [carol]}\n"
BUDGET = "    quota: {minutes: 5, per: day}\n"
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n", TEAM).replace(
    BUDGET, BUDGET + "    adjustable: {grant: {max: 8h}}\n")
EARLY = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)     # 07:00 in Berlin, before the clocks' 10:00


def _charge(app, first: int, count: int) -> None:
    """Minutes of reddit's budget used today, as the proxies record them."""
    with app.app_context():
        db().add_all([QuotaCharge(user_name="erin", rule="reddit-budget", minute=EARLY + timedelta(minutes=i),
                                  day=date(2026, 11, 26)) for i in range(first, first + count)])
        db().commit()


@pytest.fixture
def loop(tmp_path):
    # The budget is used up before the day's first visit.
    with panel_and_proxy(tmp_path, RULES, before=lambda app: _charge(app, 0, 5)) as found:
        yield found


def test_fifteen_more_minutes_approved_then_used_up(browser, loop):
    app, panel, env = loop
    employee = browser.new_context(viewport=DESKTOP, ignore_https_errors=True,
                                   proxy={"server": env.proxy.url, "username": "erin", "password": "pw"})
    manager = browser.new_context(viewport=DESKTOP)
    try:
        page = employee.new_page()
        page.goto("https://www.reddit.com/")
        assert "5 of 5 minutes used today" in page.locator("body").inner_text()
        page.get_by_role("link", name="15 more minutes?").click()
        sign_in(page, "erin")
        assert "More time for Reddit today" in page.locator("h1").inner_text()
        page.get_by_role("button", name="15 more minutes").click()
        assert "Asked carol for 15 more minutes of Reddit today." in page.get_by_role("status").inner_text()

        inbox = manager.new_page()
        inbox.goto(panel + "/")
        sign_in(inbox, "carol")
        assert inbox.url.endswith("/requests/")                # a manager with a request waiting lands on it
        assert inbox.get_by_role("link", name="Requests").inner_text().split() == ["Requests", "1"]
        request = inbox.get_by_role("article", name="Request from erin")
        assert "for 15 more minutes today" in request.inner_text()
        request.get_by_role("button", name="Approve").click()
        assert "Approved: erin has 15 more minutes of Reddit today." in inbox.get_by_role("status").inner_text()
        screenshot(inbox, "more-time-approved")

        def through() -> bool:
            page.goto("https://www.reddit.com/")
            return "origin page for www.reddit.com" in page.content()
        poll(through, timeout=15, interval=0.5, what="the extra minutes to reach the proxy")

        _charge(app, 5, 15)                                     # the fifteen minutes are used

        def stopped() -> bool:
            page.goto("https://www.reddit.com/")
            return "origin page for www.reddit.com" not in page.content()
        poll(stopped, timeout=15, interval=0.5, what="the budget to stop the site again")
        assert "20 of 20 minutes used today" in page.locator("body").inner_text()   # the budget grew by 15
        assert page.get_by_role("link", name="15 more minutes?").count() == 1
        screenshot(page, "more-time-used-up")
    finally:
        employee.close()
        manager.close()
