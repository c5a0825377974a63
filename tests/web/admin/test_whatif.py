"""Preview a draft: admins replay recorded usage through a configured draft folder, in the panel and a browser."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import AuditRecord
from storage.db import make_engine, write_connection
from storage.usage.membership import GroupMember
from storage.writer.apply import apply_batches
from tests.support.browser import DESKTOP, screenshot
from tests.support.live_panel import serve
from tests.support.whatif_rules import folders
from tests.support.whatif_usage import MON, minutes, record_usage
from tests.web.conftest import AuthActions, make_app
from web.db import db

VERDICT = ("This draft would have blocked 30 more minutes for 6 people (marketing) and freed none "
           "that can be shown.")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def setup(tmp_path, password_hash):
    """The panel on the small company's rules and recorded usage (Mon 23 and Tue 24 Nov; today is Thu 26),
    with m6 in marketing from the Sunday before (as recorded, m6 joins on Monday at noon)."""
    url = f"sqlite:///{tmp_path / 'panel.db'}"
    record_usage(url)
    engine = make_engine(url)
    with Session(engine) as session:
        joined = session.scalars(select(GroupMember).where(GroupMember.user_name == "m6")).one()
        joined.joined_at = datetime(2026, 11, 22, tzinfo=timezone.utc)
        session.commit()
    engine.dispose()
    return _panel(tmp_path, password_hash, url)


@pytest.fixture
def as_recorded(tmp_path, password_hash):
    """The same, but m6 is in no group until Monday noon: m6 alone stands behind 5 of the minutes blocked more."""
    url = f"sqlite:///{tmp_path / 'panel.db'}"
    record_usage(url)
    return _panel(tmp_path, password_hash, url)


def _panel(tmp_path, password_hash, url):
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
    # s2's 40 minutes on X (one person, freed by sales-free) are left out of every total
    assert "240 recorded minutes; 12.5% change outcome" in page
    assert ("Budgets: 6 run out earlier, fewer than 5 later or not at all. No blocked attempts recorded that 5 "
            "or more people stand behind." in page)     # m1's 2 attempts stand on m1 alone
    assert "read-only and warn outcomes are estimates" in page
    assert f"budget {draft / 'main.yaml'}:22 210 30 fewer than 5 210 6 30" in page
    assert f"Never matched, or no figure of 5 or more people: video ( {draft / 'main.yaml'}:15 )" in page
    assert "marketing 30 " + "fewer than 5 " * 4 + "6" in page
    assert "sales" not in page.split("By group")[1].split("By site")[0]     # its figures are all hidden


def test_one_person_outside_every_group_is_not_the_total_minus_the_groups(as_recorded):
    """m6 joined marketing at noon on Monday, after the minutes the draft blocks: were marketing's 25 shown
    beside the company's 30, the 5 minutes of one person would follow. So marketing's figure is hidden too."""
    app, draft = as_recorded
    client = app.test_client()
    AuthActions(client).login("ada")
    page = _text(client.get("/admin/whatif", query_string={"draft": str(draft), "days": 7}))
    assert "This draft would have blocked 30 more minutes for 6 people and freed none that can be shown." in page
    groups = page.split("By group")[1].split("By site")[0]
    assert "Nothing that 5 or more people stand behind." in groups and "25" not in page and "marketing" not in groups
    assert "No minutes would have moved from allowed to blocked." in page     # the chart, per group, is hidden
    assert "left out" not in page

def _preview(app, draft) -> str:
    client = app.test_client()
    AuthActions(client).login("ada")
    page = _text(client.get("/admin/whatif", query_string={"draft": str(draft), "days": 7}))
    return page.split("What would have changed")[1]


def test_nothing_on_the_page_tells_whether_one_more_person_used_a_site(tmp_path, password_hash):
    """The same company twice, once with s1 watching YouTube for 9 minutes on Monday, which the draft blocks:
    s1 alone stands behind those minutes, so neither a figure, a total, a row nor a word may differ."""
    rules, draft = folders(tmp_path)
    pages = []
    for name, alone in (("without", False), ("with", True)):
        url = f"sqlite:///{tmp_path / name}.db"
        record_usage(url)
        if alone:
            engine = make_engine(url)
            with write_connection(engine) as conn, conn.begin():
                apply_batches(conn, "proxy-1", {"b2": minutes("s1", "youtube", MON, 9, "video")})
            engine.dispose()
        app = make_app(tmp_path / name, password_hash, db_url=url, rules=rules)
        app.config["DRAFTS"] = [str(draft)]
        pages.append(_preview(app, draft))
    without, with_s1 = pages
    assert with_s1 == without
    assert "youtube" not in with_s1 and "39" not in with_s1 and " 9 " not in with_s1


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
    assert '<title>Mon 23 Nov: marketing 30 min</title>' in body
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
            assert bars.first.locator("title").text_content() == "Mon 23 Nov: marketing 30 min"
            assert page.locator("#rules-table").get_by_text(f"{draft / 'main.yaml'}:22").is_visible()
            screenshot(page, "preview-a-draft")
    finally:
        context.close()
