"""The demo's pages: a working afternoon the engine confirms, and the budgets that make each page show."""
from __future__ import annotations

import shlex
from datetime import datetime
from zoneinfo import ZoneInfo

import policy
from cli.demo_pages import STORIES, budgets, curl_line, demo_moment, tour
from tests.support.cli_run import RULES

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = policy.load(RULES)


def test_the_moment_is_the_latest_working_afternoon_the_engine_confirms():
    assert demo_moment(POLICY, datetime(2026, 11, 26, 16, 0, tzinfo=BERLIN)) == \
        datetime(2026, 11, 26, 14, 0, tzinfo=BERLIN)
    assert demo_moment(POLICY, datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN)) == \
        datetime(2026, 11, 25, 14, 0, tzinfo=BERLIN)
    # A Sunday goes back to Friday; Christmas week skips the holidays (24 and 25 Dec are open to all).
    assert demo_moment(POLICY, datetime(2026, 11, 29, 20, 0, tzinfo=BERLIN)).day == 27
    assert demo_moment(POLICY, datetime(2026, 12, 26, 20, 0, tzinfo=BERLIN)).day == 23


def test_budgets_make_each_story_what_it_says():
    moment = datetime(2026, 11, 26, 14, 0, tzinfo=BERLIN)
    charges = {user: (rule, day, minutes) for user, rule, day, minutes in budgets(POLICY, moment)}
    assert sorted(charges) == ["alice.krueger", "carol.schmitt"]
    rule, day, minutes = charges["carol.schmitt"]
    assert (rule, day, len(minutes)) == ("social-budget", moment.date(), 30)
    assert all(minute < moment for minute in minutes)
    for story in STORIES:
        used = len(charges[story.user][2]) if story.used else 0
        decided = POLICY.decide(story.user, story.url, moment, method=story.method, used_minutes=used)
        assert decided.action == story.action


def test_curl_lines_are_one_shell_command_each():
    post = next(story for story in STORIES if story.method == "POST")
    line = curl_line(post, "pa ss", "127.0.0.1:8080")
    assert shlex.split(line) == ["curl", "-s", "-H", "Accept: text/html", "-X", "POST", "-d", "hello", "-x",
                                 "http://alice.krueger:pa ss@127.0.0.1:8080", "http://www.linkedin.com/"]
    lines = tour(POLICY, datetime(2026, 11, 26, 14, 0, tzinfo=BERLIN), {"admin": "pw"}, "127.0.0.1:8080")
    assert "   used-up page: “You've used your time on External social media”" in lines
    assert "     curl -s -H 'Accept: text/html' -x http://admin:pw@127.0.0.1:8080 http://www.facebook.com/" in lines
    assert any("watercooler user passwd alice.krueger" in line for line in lines)
