"""The manager's team usage page in a real browser (Debian's Chromium): a Facebook Tuesday of 4 people
in a team of 6 reads "<5", says "fewer than 5 people" on hover, and no total on the page includes it."""
from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, screenshot
from tests.support.live_panel import serve
from tests.web.conftest import PASSWORD
from tests.web.manager.conftest import HIDDEN_MINUTES, seed_last_week

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_manager_sees_a_cell_of_four_people_hidden(team_app, browser, db_url):
    seed_last_week(team_app)
    with serve(team_app) as panel:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(panel + "/auth/login?next=/team/usage%3Fgroup%3Dmarketing%26week%3D2026-11-16")
        page.get_by_label("Account name").fill("carol")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert "6 people · 138 active minutes this week" in page.locator("main").inner_text()
        facebook = page.get_by_role("row", name="Facebook")
        cells = facebook.get_by_role("cell")
        assert cells.all_inner_texts() == ["<5", "<5", "30", "<5", "<5", "<5", "<5", "30"]
        tuesday = cells.nth(1)
        assert tuesday.get_attribute("title") == "fewer than 5 people"
        tuesday.hover()
        main = page.locator("main").inner_text()
        assert str(HIDDEN_MINUTES) not in main and "fewer than 5 people, not shown" in main
        assert page.locator("svg.heat title", has_text="Tue 12:00–12:59: fewer than 5 people").count() == 1
        screenshot(page, "team-usage-hidden-cell")
        context.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_chart_labels_are_readable_on_a_phone(team_app, browser, db_url):
    seed_last_week(team_app)
    with serve(team_app) as panel:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(panel + "/auth/login?next=/team/usage%3Fgroup%3Dmarketing%26week%3D2026-11-16")
        page.get_by_label("Account name").fill("carol")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Team usage").wait_for()
        sizes = page.evaluate("""() => [...document.querySelectorAll('svg.chart text')].map(text => {
            const svg = text.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(text).fontSize) * scale; })""")
        assert len(sizes) > 20 and min(sizes) >= 11, sizes
        assert page.get_by_text("min in an hour").is_visible()
        screenshot(page, "team-usage-phone")
        context.close()
