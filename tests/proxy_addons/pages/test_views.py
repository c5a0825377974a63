from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from policy.engine.decision import QuotaStatus
from proxy_addons.pages.views import PageContext, common, opens, quota_view, site_label

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=BERLIN)
POLICY = SimpleNamespace(timezone=BERLIN, sites={"reddit": SimpleNamespace(label="Reddit")})


def decision(**fields):
    values = dict(site="reddit", reason="r", message=None, alternatives=(), until=None, quota=None)
    values.update(fields)
    return SimpleNamespace(**values)


def test_quota_numbers_read_as_people_expect():
    quota = QuotaStatus(limit=30, used=24, remaining=6, per="day", period_start=NOW.replace(hour=0),
                        resets_at=datetime(2026, 11, 27, 0, 0, tzinfo=BERLIN))
    view = quota_view(decision(quota=quota), PageContext(POLICY, NOW, None, "www.reddit.com"))
    assert view == {"used": 24, "limit": 30, "remaining": 6, "period": "today", "tenths": 80,
                    "resets": "tomorrow at 00:00"}


def test_links_and_labels():
    page = PageContext(POLICY, NOW, "https://panel.example/", "www.reddit.com")
    values = common(decision(), page)
    assert values["label"] == "Reddit" and values["policy_url"] == "https://panel.example/"
    assert values["request_url"] == "https://panel.example/requests/new?site=reddit"
    assert common(decision(), PageContext(POLICY, NOW, None, "x"))["request_url"] is None
    assert site_label(POLICY, None, "www.example.org") == "www.example.org"
    assert opens(decision(until=datetime(2026, 11, 26, 18, 0, tzinfo=BERLIN)), page) == "today at 18:00"
