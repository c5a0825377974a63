"""The panel in a real browser: signing in, forged forms, open redirects, copied cookies, phone layout.

Chromium (Debian's package) drives the panel served by waitress on a free loopback port. Screenshots
of the main pages go to test-output/screenshots/.
"""
from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE, screenshot
from tests.support.live_panel import serve
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def panel(app):
    with serve(app) as url:
        yield url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def sign_in(page, panel: str, name: str, password: str = PASSWORD, path: str = "/"):
    page.goto(panel + path)
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():   # the next page loaded, not only its URL committed
        page.get_by_role("button", name="Sign in").click()


def test_an_employee_signs_in_and_sees_what_they_can_use(context, panel):
    page = context.new_page()
    page.goto(panel + "/")
    assert page.url.startswith(panel + "/auth/login")
    screenshot(page, "sign-in")
    sign_in(page, panel, "erin", "not the password")
    assert page.get_by_role("alert").inner_text() == "Wrong account name or password."
    sign_in(page, panel, "erin")
    assert page.url == panel + "/me/"
    community = page.get_by_role("region", name="Our community")
    assert "Company forum" in community.inner_text() and "Open" in community.inner_text()
    facebook = page.locator(".site", has_text="Facebook")
    assert "Open · 30 of 30 min left today" in facebook.inner_text()
    assert "until today at 12:00" in facebook.inner_text()
    screenshot(page, "my-policy")
    page.get_by_role("link", name="erin").click()
    assert page.get_by_role("heading", name="Your account").is_visible()


def test_an_admin_creates_an_account_in_the_browser(context, panel):
    page = context.new_page()
    sign_in(page, panel, "ada")
    assert page.url == panel + "/admin/accounts"
    page.get_by_label("Account name (as in the rules' member lists)").fill("hugo")
    page.get_by_label("Role").select_option("manager")
    page.get_by_label("First password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    created, warning = page.get_by_role("status").all_inner_texts()
    assert created == "Account hugo created."
    assert warning.startswith("The rules name hugo in no group, so only the rules for everyone apply to them")
    assert page.get_by_role("link", name="hugo").is_visible()
    assert "Not in the rules" in page.get_by_role("row", name="hugo").inner_text()
    screenshot(page, "admin-accounts")


def test_a_form_posted_from_another_page_is_refused(context, panel, app):
    """A page on another origin (same site: cookies go along) submits a form to the panel."""
    forged = (f'<form method="post" action="{panel}/admin/accounts">'
              '<input name="name" value="mallory"><input name="role" value="admin">'
              '<input name="password" value="mallory-password"><button>Win a prize</button></form>')

    def evil_site(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [forged.encode()]

    page = context.new_page()
    sign_in(page, panel, "ada")
    with serve(evil_site) as evil:
        page.goto(evil)
        page.get_by_role("button", name="Win a prize").click()
        assert page.get_by_role("heading", name="Form refused").is_visible()
    page.goto(panel + "/admin/accounts")
    assert page.get_by_role("link", name="mallory").count() == 0


def test_sign_in_never_redirects_to_another_site(context, panel):
    page = context.new_page()
    for evil in ("//evil.example/", "/%5Cevil.example", "https:evil.example"):
        sign_in(page, panel, "erin", path=f"/auth/login?next={evil}")
        assert page.url == panel + "/me/", evil
        page.get_by_role("button", name="Sign out").click()


def test_after_sign_out_a_copied_cookie_no_longer_works(browser, context, panel):
    page = context.new_page()
    sign_in(page, panel, "erin")
    copied = context.cookies()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("status").inner_text() == "You are signed out."
    thief = browser.new_context()
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(panel + "/me/account")
    assert stolen.url.startswith(panel + "/auth/login")
    thief.close()


@pytest.mark.parametrize(("name", "path", "shot"), [
    ("ada", "/admin/accounts", "admin-accounts-phone"), ("erin", "/me/", "my-policy-phone"),
    ("carol", "/team/", "team-limits-phone"), ("carol", "/requests/", "requests-phone"),
    ("ada", "/admin/status", "status-phone"), ("ada", "/admin/audit", "audit-phone")])
def test_pages_fit_a_phone_screen(browser, panel, name, path, shot):
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, panel, name, path=f"/auth/login?next={path}")
    assert page.url == panel + path
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    screenshot(page, shot)
    phone.close()


def test_the_browser_runs_no_inline_script(context, panel):
    """The CSP blocks inline script: a page that carried one would report a violation."""
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: (violations.append(message.text)
                                        if "Content Security Policy" in message.text else None))
    sign_in(page, panel, "ada")
    page.goto(panel + "/admin/accounts")
    assert violations == []


def test_ask_approve_and_see_the_grant(browser, panel):
    employee, manager = browser.new_context(viewport=DESKTOP), browser.new_context(viewport=DESKTOP)
    page = employee.new_page()
    sign_in(page, panel, "erin", path="/auth/login?next=/requests/new%3Fsite%3Dfacebook")
    assert page.get_by_label("Site").input_value() == "facebook"  # prefilled from the block page's link
    page.get_by_label("Why you need it").fill("Posting our job ads this week")
    page.get_by_label("For how long").select_option("4")
    page.get_by_role("button", name="Send request").click()
    assert "Request sent to carol." in page.get_by_role("status").inner_text()

    inbox = manager.new_page()
    sign_in(inbox, panel, "carol", path="/auth/login?next=/requests/")
    request = inbox.get_by_role("article", name="Request from erin")
    assert "Posting our job ads this week" in request.inner_text()
    screenshot(inbox, "manager-requests")
    request.get_by_label("Note to them (optional)").fill("Good luck")
    request.get_by_role("button", name="Approve").click()
    assert "Approved: erin may use Facebook for 4 h." in inbox.get_by_role("status").inner_text()

    page.reload()
    mine = page.get_by_role("region", name="Your requests").inner_text()
    assert "Approved" in mine and "Approved by carol: “Good luck”" in mine
    assert "until today at 14:00" in page.locator(".site", has_text="Facebook").inner_text()
    employee.close()
    manager.close()


def test_a_manager_raises_a_budget_within_bounds_and_is_refused_beyond(context, panel):
    page = context.new_page()
    sign_in(page, panel, "carol", path="/auth/login?next=/team/")
    budget = page.get_by_role("region", name="social-budget for marketing")
    budget.get_by_label("Minutes a day (0 to 90)").fill("120")
    budget.get_by_role("button", name="Preview change").click()
    refused = page.get_by_role("region", name="social-budget for marketing").get_by_role("alert")
    assert refused.inner_text() == "Not saved: 120 minutes is outside what rule social-budget allows (0 to 90 minutes)."

    budget = page.get_by_role("region", name="social-budget for marketing")
    budget.get_by_label("Minutes a day (0 to 90)").fill("45")
    budget.get_by_role("button", name="Preview change").click()
    assert "marketing: social-budget 30 → 45 minutes a day" in page.locator(".change").inner_text()
    screenshot(page, "manager-preview")
    page.get_by_role("button", name="Save").click()
    assert "Saved: marketing: social-budget 30 → 45 minutes a day." in page.get_by_role("status").inner_text()
    assert "45 minutes a day (adjusted; the rules say 30)" in page.get_by_role(
        "region", name="social-budget for marketing").inner_text()
    screenshot(page, "manager-team-limits")


def test_team_usage_on_a_phone_and_a_desktop(app, browser, panel):
    from datetime import datetime, timezone

    from tests.web.manager.test_summaries import minutes
    from web.db import db
    app.config["MIN_GROUP_SIZE"] = 1   # the layout with every cell shown; hidden cells: tests/web/manager
    with app.app_context():
        def at(date: int, hour: int, minute: int) -> datetime:
            return datetime(2026, 11, date, hour, minute, tzinfo=timezone.utc)
        for day in range(3):
            db().add_all(minutes("erin", "facebook", "external-social", at(23 + day, 11, 5), 25)
                         + minutes("bob", "forum", "internal-social", at(16 + day, 7, 30), 20)
                         + minutes("bob", "forum", "internal-social", at(23 + day, 7, 30), 35))
        db().commit()
    for name, viewport in (("team-usage", DESKTOP), ("team-usage-phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        sign_in(page, panel, "carol", path="/auth/login?next=/team/usage")
        assert "2 people · 180 active minutes this week" in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, name)
        context.close()


def test_another_teams_limits_cannot_be_changed_from_the_browser(context, panel, app):
    """grace manages engineering: marketing's budget is not on her page, and a hand-made POST finds nothing."""
    page = context.new_page()
    sign_in(page, panel, "grace", path="/auth/login?next=/team/")
    assert page.get_by_role("region", name="social-budget for marketing").count() == 0
    token = page.locator("input[name=csrf_token]").first.input_value()
    refused = page.request.post(panel + "/team/apply", form={
        "csrf_token": token, "tunable": "social-budget/marketing", "social-budget_marketing-minutes": "90"})
    assert refused.status == 404                       # as for a group that does not exist
    assert "There is no such page here." in refused.text()
