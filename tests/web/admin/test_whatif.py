"""Preview a draft: admins replay recorded usage through a configured draft folder, in the panel and a browser."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from storage.audit import AuditRecord
from tests.support.browser import DESKTOP, screenshot
from tests.support.live_panel import serve
from tests.support.whatif_rules import folders
from tests.support.whatif_usage import record_usage
from tests.web.conftest import AuthActions, make_app
from web.db import db

VERDICT = "This draft would have blocked 30 more minutes for 6 people (marketing) and freed none."


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def setup(tmp_path, password_hash):
    """The panel on the small company's rules and recorded usage (Mon 23 and Tue 24 Nov; today is Thu 26)."""
    url = f"sqlite:///{tmp_path / 'panel.db'}"
    record_usage(url)
    rules, draft = folders(tmp_path)
    app = make_app(tmp_path, password_hash, db_url=url, rules=rules)
    app.config["DRAFTS"] = [str(draft)]
    return app, draft


@pytest.fixture
def admin(setup):
    app, draft = setup
    client = app.test_client()
    AuthActions(client).login("ada")
    return client, draft


def test_the_report_with_its_verdict_rules_and_groups(admin):
    client, draft = admin
    page = _text(client.get("/admin/whatif", query_string={"draft": str(draft), "days": 7}))
    assert VERDICT in page
    assert "280 recorded minutes; 10.7% change outcome" in page
    assert "read-only and warn outcomes are estimates" in page
    assert f"budget {draft / 'main.yaml'}:22 210 30 fewer than 5 210 6 30" in page
    assert f"Never matched: video ( {draft / 'main.yaml'}:15 )" in page
    assert "marketing 25 " + "fewer than 5 " * 4 + "5" in page     # m6 joined marketing after Monday began
    assert "sales" not in page.split("By group")[1].split("By site")[0]     # its figures are all hidden


def test_each_preview_is_audited(setup, admin):
    app, _ = setup
    client, draft = admin
    client.get("/admin/whatif", query_string={"draft": str(draft), "days": 14})
    with app.app_context():
        [record] = db().scalars(select(AuditRecord).where(AuditRecord.action == "draft previewed")).all()
        assert (record.actor, record.target) == ("ada", f"draft:{draft}")
        assert record.after == {"since": "2026-11-13", "until": "2026-11-26"}


def test_the_chart_shows_minutes_newly_blocked_per_day_and_group(admin):
    client, draft = admin
    body = client.get("/admin/whatif", query_string={"draft": str(draft)}).get_data(as_text=True)
    assert '<title>Mon 23 Nov: marketing 25 min</title>' in body
    assert "cdn" not in body.lower() and "<script" not in body


def test_only_configured_folders_can_be_previewed(admin, tmp_path):
    client, _ = admin
    page = _text(client.get("/admin/whatif", query_string={"draft": str(tmp_path / "rules")}))
    assert "That folder is not one of the configured drafts." in page and "What would have changed" not in page


def test_a_draft_that_does_not_load_shows_each_problem_where_it_is(admin):
    client, draft = admin
    text = (draft / "main.yaml").read_text()
    (draft / "main.yaml").write_text(text.replace("sites: [youtube]", "sites: [yutube]"))
    page = _text(client.get("/admin/whatif", query_string={"draft": str(draft)}))
    assert "The draft does not load" in page
    assert f"{draft / 'main.yaml'}:16:" in page and "unknown site 'yutube'" in page


def test_managers_cannot_preview(setup):
    app, draft = setup
    client = app.test_client()
    AuthActions(client).login("carol")
    assert client.get("/admin/whatif", query_string={"draft": str(draft)}).status_code == 403


@pytest.mark.e2e
def test_an_admin_previews_a_draft_in_the_browser(setup, browser):
    app, draft = setup
    context = browser.new_context(viewport=DESKTOP)
    try:
        with serve(app) as panel:
            page = context.new_page()
            page.goto(panel + "/admin/whatif")
            page.get_by_label("Account name").fill("ada")
            page.get_by_label("Password").fill("correct horse battery")
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            page.get_by_role("link", name="Preview a draft").click()
            page.get_by_label("Draft folder").select_option(str(draft))
            with page.expect_navigation():
                page.get_by_role("button", name="Preview").click()
            assert page.locator(".verdict").inner_text() == VERDICT
            bars = page.locator("svg.chart rect")
            assert bars.count() == 1
            assert bars.first.locator("title").text_content() == "Mon 23 Nov: marketing 25 min"
            assert page.locator("#rules-table").get_by_text(f"{draft / 'main.yaml'}:22").is_visible()
            screenshot(page, "preview-a-draft")
    finally:
        context.close()
