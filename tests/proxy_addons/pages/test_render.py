"""The pages employees see: escaped, script-free, strictly headed — and good-looking in a real browser."""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from proxy_addons.pages import answers, render as pages
from proxy_addons.pages.views import PageContext
from tests.support.browser import screenshot

HOSTILE = '<script>alert("x")</script>'


def hostile_decision():
    alt = SimpleNamespace(site="forum", label=f"Forum {HOSTILE}", url="https://forum.corp.example/")
    return SimpleNamespace(site="facebook", rule="r", rule_action="block", action="block", reason=f"Because {HOSTILE}",
                           message=f"Note {HOSTILE}", until=None, quota=None, alternatives=(alt,), bundle=False,
                           remember=None)


def page_context():
    policy = SimpleNamespace(timezone="Europe/Berlin", sites={"facebook": SimpleNamespace(label=f"FB {HOSTILE}")})
    return PageContext(policy, datetime(2026, 11, 26, 9, tzinfo=timezone.utc), "https://panel.example",
                       f"evil{HOSTILE}.example")


def test_nothing_is_reflected_unescaped_and_no_script_can_run():
    request = SimpleNamespace(method="GET", headers={})
    body = answers.block(hostile_decision(), page_context(), request).content.decode()
    assert "<script" not in body and "&lt;script&gt;" in body
    assert re.search(r"\sstyle=", body) is None and " on" not in body.split("<style>")[0]


def test_the_only_style_is_the_one_the_csp_hash_allows():
    response = answers.unavailable("www.example.org")
    body = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = response.headers["content-security-policy"]
    assert f"style-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_reason_headers_are_one_ascii_line():
    assert pages.header_text("Open: lunch (12:00–13:00)\nnow “ok”") == 'Open: lunch (12:00-13:00) now "ok"'


@pytest.mark.e2e
def test_the_block_page_in_chromium_on_desktop_and_phone(env, browser):
    csp_errors = []
    for name, viewport in (("block-page-desktop", {"width": 1280, "height": 860}),
                           ("block-page-phone", {"width": 390, "height": 844})):
        context = browser.new_context(proxy={"server": env.proxy.url}, ignore_https_errors=True, viewport=viewport)
        page = context.new_page()
        page.on("console", lambda message: csp_errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto("https://www.facebook.com/")
        assert page.locator("h1").inner_text() == "Facebook is closed right now"
        assert page.get_by_text("Opens again").is_visible() and page.get_by_text("today at 12:00").is_visible()
        assert page.get_by_text("Facebook opens at lunch <b>for everyone</b>.").is_visible()
        # A visitor the proxy does not know has no account: no link to a sign-in, a sentence on whom to ask.
        assert page.get_by_role("link", name="Ask for access").count() == 0
        assert page.get_by_role("link", name="See my policy").count() == 0
        assert page.get_by_text("ask the person you are visiting or the IT team").is_visible()
        assert page.locator(".badge").inner_text() == "Paused"                  # it opens by itself at lunch
        assert page.get_by_role("link", name="Company forum").is_visible()
        card = page.locator("main.card").bounding_box()
        assert card["width"] <= viewport["width"]                       # fits a phone without scrolling sideways
        border = page.locator("main.card").evaluate("e => getComputedStyle(e).borderTopWidth")
        assert border == "6px"                                          # the stylesheet applied under the CSP
        assert screenshot(page, name).stat().st_size > 10_000
        context.close()
    assert csp_errors == []


@pytest.mark.e2e
def test_warn_continue_in_chromium_leads_to_the_site(env, browser):
    context = browser.new_context(proxy={"server": env.proxy.url}, ignore_https_errors=True)
    page = context.new_page()
    page.goto("https://www.youtube.com/watch?v=42")
    assert page.locator("h1").inner_text() == "A moment before YouTube"
    screenshot(page, "warn-page")
    page.get_by_role("button", name="Continue to YouTube").click()
    page.wait_for_url("https://www.youtube.com/watch?v=42")
    assert page.get_by_text("origin page for www.youtube.com GET /watch?v=42").is_visible()
    context.close()


@pytest.mark.e2e
def test_read_only_refusal_leads_back_to_the_page_and_answers_scripts_in_json(env, browser):
    context = browser.new_context(proxy={"server": env.proxy.url}, ignore_https_errors=True)
    page = context.new_page()
    page.goto("https://www.linkedin.com/feed?page=2")
    assert page.get_by_text("origin page for www.linkedin.com GET /feed?page=2").is_visible()
    answer = page.evaluate("""() => fetch('/voyager/api/post', {method: 'POST', body: 'hi'})
                                      .then(async r => [r.status, await r.json()])""")
    assert answer[0] == 403 and answer[1]["error"] == "read-only" and answer[1]["site"] == "linkedin"
    page.evaluate("""() => { const form = document.createElement('form');
                             form.method = 'post'; form.action = '/post/new';
                             document.body.append(form); form.submit(); }""")
    page.wait_for_url("https://www.linkedin.com/post/new")
    assert page.locator("h1").inner_text() == "Posting on LinkedIn is closed right now"
    assert page.get_by_text("Reading LinkedIn still works").is_visible()
    page.get_by_role("link", name="Back to LinkedIn").click()
    page.wait_for_url("https://www.linkedin.com/feed?page=2")
    assert page.get_by_text("origin page for www.linkedin.com GET /feed?page=2").is_visible()
    context.close()


def test_a_foreign_referer_is_not_a_way_back():
    policy = SimpleNamespace(timezone="Europe/Berlin", sites={"linkedin": SimpleNamespace(label="LinkedIn")},
                             site_for_host=lambda host: (SimpleNamespace(name="linkedin")
                                                         if host.endswith("linkedin.com") else None))
    page = PageContext(policy, datetime(2026, 11, 26, 9, tzinfo=timezone.utc), None, "www.linkedin.com")
    decision = SimpleNamespace(site="linkedin", rule="r", rule_action="read-only", action="block", reason="r",
                               message=None, until=None, opens=None, quota=None, alternatives=(), bundle=False)
    for referer, back in (("https://evil.example/x", "https://www.linkedin.com/"),
                          ("javascript:alert(1)", "https://www.linkedin.com/"),
                          ("https://user@www.linkedin.com/x", "https://www.linkedin.com/"),
                          ("https://lnkd.linkedin.com/in/me", "https://lnkd.linkedin.com/in/me")):
        request = SimpleNamespace(method="POST", headers={"referer": referer})
        body = answers.block(decision, page, request).content.decode()
        assert f'href="{back}"' in body, referer


def test_a_refusal_renders_whatever_bytes_the_host_name_held():
    page = answers.unavailable("www.\udcff.example")           # undecodable bytes, as mitmproxy keeps them
    assert page.status_code == 503 and b"www.?.example" in page.content


def test_a_shared_budgets_pages_name_the_budget_not_the_site():
    from zoneinfo import ZoneInfo

    import policy
    from tests.support.cli_run import RULES
    from tests.support.proxy_clients import NAVIGATION

    company = policy.load(RULES)
    at = datetime(2026, 11, 26, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    page = PageContext(company, at, "https://panel.example", "www.instagram.com")
    request = SimpleNamespace(headers={**NAVIGATION, "accept": "text/html"}, path="/", method="GET")
    spent = company.decide("alice.krueger", "https://www.instagram.com/", at, used_minutes=30)
    blocked = answers.block(spent, page, request).get_text()
    assert "used your time on External social media" in blocked
    assert "shared by Facebook, Instagram, … (10 sites)" in blocked and "time on Instagram" not in blocked
    last = company.decide("alice.krueger", "https://www.instagram.com/", at, used_minutes=29)
    notice = answers.notice(last, page, "/").get_text()
    assert "1 minute left on External social media today" in notice
