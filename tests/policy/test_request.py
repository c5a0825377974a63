"""Request fields as admins write them: accepted spellings and the sentence for each mistake."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from policy import request as req

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_time_without_offset_is_policy_local():
    assert req.parse_at("2026-11-26T12:15", BERLIN) == datetime(2026, 11, 26, 12, 15, tzinfo=BERLIN)
    assert req.parse_at(date(2026, 12, 24), BERLIN) == datetime(2026, 12, 24, tzinfo=BERLIN)


def test_a_time_with_offset_keeps_it():
    moment = req.parse_at("2026-11-26T11:15:00Z", BERLIN)
    assert moment.utcoffset() == timedelta(0)
    assert moment.astimezone(BERLIN).hour == 12
    aware = datetime(2026, 7, 1, 9, tzinfo=timezone(timedelta(hours=-4)))
    assert req.parse_at(aware, BERLIN) is aware


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T10:00", "12:15", 20261126, None])
def test_a_bad_time_says_how_to_write_one(value):
    with pytest.raises(ValueError, match="2026-11-26T12:15"):
        req.parse_at(value, BERLIN)


def test_users():
    assert req.parse_user(None) is None
    assert req.parse_user(" alice ") == "alice"
    assert req.parse_user(1234) == "1234"
    for bad in ("", True, ["alice"]):
        with pytest.raises(ValueError):
            req.parse_user(bad)


def test_urls_are_checked_for_a_real_host():
    assert req.parse_url(" https://www.facebook.com/x ") == "https://www.facebook.com/x"
    for bad in ("", "https://a..b/", "https://x.com:99999/", 42):
        with pytest.raises(ValueError):
            req.parse_url(bad)


def test_methods_ips_minutes_and_continued():
    assert req.parse_method("post") == "POST"
    assert req.parse_ip("10.20.0.5") == "10.20.0.5" and req.parse_ip(None) is None
    assert req.parse_ip("FD00:20::0005") == "fd00:20::5"
    assert req.parse_used("30") == 30 and req.parse_used(0) == 0
    assert req.parse_continued(True) and not req.parse_continued("no")
    for parse, bad in [(req.parse_method, "GET /"), (req.parse_ip, "10.1.2"), (req.parse_used, "-1"),
                       (req.parse_used, "ten"), (req.parse_used, True), (req.parse_continued, "maybe")]:
        with pytest.raises(ValueError):
            parse(bad)


def test_decide_passes_every_field_to_the_policy():
    seen = {}

    class Recorder:   # stands in for the engine: this test is about the call, not the decision
        def decide(self, user, url, at, **kwargs):
            seen.update(user=user, url=url, at=at, **kwargs)
            return "decision"

    at = datetime(2026, 11, 26, 10, tzinfo=BERLIN)
    request = req.Request("bob", "https://x.com/", at, "POST", "10.0.0.1", 12, True)
    assert req.decide(Recorder(), request) == "decision"
    assert seen == {"user": "bob", "url": "https://x.com/", "at": at, "method": "POST",
                    "client_ip": "10.0.0.1", "used_minutes": 12, "continued": True}
