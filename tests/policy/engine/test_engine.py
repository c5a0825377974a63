"""The engine decides as the example policy (tests/support/policies.py) says, says why, and agrees with the oracle."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

import policy
from policy.engine.decision import Alternative, Decision, TraceStep
from policy.engine.engine import Policy
from tests.support.naive_engine import NaiveEngine
from tests.support.policies import doc, rule, sample_doc, schedule, site, window

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = (2026, 11, 26)
FB = "https://www.facebook.com/"


@pytest.fixture(scope="module")
def sample() -> Policy:
    return Policy.from_doc(sample_doc())


def at(hour: int, minute: int = 0, day=THURSDAY) -> datetime:
    return datetime(*day, hour, minute, tzinfo=BERLIN)


def test_allow_inside_a_schedule_until_it_ends(sample):
    decision = sample.decide("alice", FB, at(12, 15))
    assert (decision.action, decision.rule, decision.rule_action) == ("allow", "social-at-lunch", "allow")
    assert (decision.site, decision.category, decision.host) == ("facebook", "external-social", "www.facebook.com")
    assert decision.until == at(13, 0)
    assert decision.reason == "Facebook is open to you during lunch, evenings and holidays."


def test_block_until_the_next_window_opens(sample):
    decision = sample.decide("zed", FB, at(15, 0))      # not staff: no budget
    assert (decision.action, decision.rule) == ("block", "no-social-otherwise")
    assert decision.until == at(18, 0)
    assert decision.reason == "Facebook is closed to you now. Open to you: Mon–Fri 12:00–13:00 and 18:00–07:00."
    assert decision.opens == at(18, 0)
    christmas = sample.decide("zed", FB, at(15, 0, day=(2026, 12, 22)))
    assert christmas.reason == ("Facebook is closed to you now. Open to you: Mon–Fri 12:00–13:00 and 18:00–07:00; "
                                "also 24, 25 and 31 Dec all day.")
    friday_night = sample.decide("zed", FB, at(20, 0, day=(2026, 11, 27)))
    assert friday_night.action == "allow" and friday_night.until == at(7, 0, day=(2026, 11, 28))


def test_quota_allows_under_the_limit_and_blocks_at_it(sample):
    under = sample.decide("alice", FB, at(15, 0), used_minutes=29)
    assert (under.action, under.rule_action) == ("allow", "quota")
    assert (under.quota.limit, under.quota.used, under.quota.remaining, under.quota.per) == (30, 29, 1, "day")
    assert under.quota.period_start == at(0, 0) and under.quota.resets_at == at(0, 0, day=(2026, 11, 27))
    assert under.reason == "Facebook is on a budget of 30 minutes a day; 1 minute left."
    assert under.message == "Thirty minutes a day; lunch and evenings don't count."
    used_up = sample.decide("alice", FB, at(15, 0), used_minutes=30)
    assert (used_up.action, used_up.quota.remaining) == ("block", 0)
    assert used_up.until == at(18, 0)                   # evenings open before the budget resets
    assert used_up.reason.startswith("You have used your 30 minutes of Facebook and YouTube for today; a new budget "
                                     "starts at 00:00.")


def test_quota_blocked_until_the_reset_when_no_schedule_opens_first():
    weekly = Policy.from_doc(doc(sites=[site("facebook", "facebook.com")],
                                 rules=[rule("budget", ["facebook"], "quota", quota=60, per="week")]))
    asked = []
    decision = weekly.decide("alice", FB, at(15, 0), used_minutes=lambda name, start: asked.append((name, start)) or 60)
    assert asked == [("budget", at(0, 0, day=(2026, 11, 23)))]              # the week starts on Monday
    assert decision.action == "block"
    assert decision.until == decision.quota.resets_at == at(0, 0, day=(2026, 11, 30))
    assert decision.reason.endswith("for this week; a new budget starts on Monday at 00:00.")


def test_read_only_lets_reading_through(sample):
    for method in ("GET", "HEAD", "OPTIONS", "get"):
        assert sample.decide("bob", "https://www.linkedin.com/feed", at(15, 0), method=method).action == "allow"
    posting = sample.decide("bob", "https://www.linkedin.com/post", at(15, 0), method="POST")
    assert (posting.action, posting.rule, posting.rule_action) == ("block", "linkedin-no-posting-at-work", "read-only")
    assert sample.decide("bob", "https://www.linkedin.com/", at(15, 0, day=(2026, 12, 31)), method="POST").action \
        == "allow"                                      # except: holidays (and holidays are open anyway)


def test_warn_until_continued(sample):
    warned = sample.decide("zed", "https://www.youtube.com/watch", at(15, 0))
    assert (warned.action, warned.rule, warned.remember) == ("warn", "youtube-nudge", 60)
    asked = []
    continued = sample.decide("zed", "https://www.youtube.com/watch", at(15, 0),
                              continued=lambda rule, site: asked.append((rule, site)) or True)
    assert continued.action == "allow" and asked == [("youtube-nudge", "youtube")]
    assert sample.decide("zed", "https://vimeo.com/1", at(15, 0), continued=True).action == "allow"


def test_domain_entries_decide_hosts_of_no_site(sample):
    vimeo = sample.decide("zed", "https://player.vimeo.com/video/1", at(15, 0))
    assert (vimeo.action, vimeo.site, vimeo.category, vimeo.reason) == (
        "warn", "domain:vimeo.com", None, "player.vimeo.com is best in small doses at work; continue if you need it.")


@pytest.mark.parametrize("url, site", [
    ("https://m.facebook.com/", "facebook"),
    ("https://FACEBOOK.com./", "facebook"),
    ("https://ｆａｃｅｂｏｏｋ。com/", "facebook"),
    ("https://messenger.com/", "facebook"),
    ("https://evilfacebook.com/", None),
    ("https://facebook.com.evil.example/", None),
    ("https://www.example.org/", None),
])
def test_whole_labels_only(sample, url, site):
    assert sample.decide("zed", url, at(15, 0)).site == site


def test_bundle_hosts_are_decided_like_their_site(sample):
    decision = sample.decide("zed", "https://static.xx.fbcdn.net/app.js", at(15, 0))
    assert (decision.site, decision.bundle, decision.action) == ("facebook", True, "block")
    assert sample.decide("zed", FB, at(15, 0)).bundle is False


def test_networks_and_anonymous_are_principals(sample):
    guest = sample.decide("alice", FB, at(12, 15), client_ip="10.20.3.4")
    assert (guest.action, guest.rule, guest.until) == ("block", "guests-no-social", None)
    assert sample.decide("alice", FB, at(12, 15), client_ip="::ffff:10.20.3.4").rule == "guests-no-social"
    assert sample.decide("alice", FB, at(12, 15), client_ip="10.21.0.1").rule == "social-at-lunch"
    assert sample.decide(None, FB, at(12, 15)).rule == "guests-no-social"
    assert sample.decide("cleo", FB, at(15, 0)).rule == "comms-runs-our-accounts"


def test_non_social_hosts_get_the_default(sample):
    decision = sample.decide("alice", "http://intranet.corp.example/", at(15, 0))
    assert (decision.action, decision.rule, decision.rule_action, decision.site, decision.until) == (
        "allow", None, "allow", None, None)
    strict = Policy.from_doc(sample_doc(default="block"))
    blocked = strict.decide("alice", "http://intranet.corp.example/", at(15, 0))
    assert (blocked.action, blocked.rule_action) == ("block", "block")
    assert blocked.reason == "intranet.corp.example is not among the sites open at work."


def test_alternatives_are_internal_sites_open_now(sample):
    forum, engage = (Alternative("forum", "Company forum", "https://forum.corp.example/"),
                     Alternative("engage", "Viva Engage", "https://engage.corp.example/"))
    assert sample.decide("zed", FB, at(15, 0)).alternatives == (forum, engage)
    closed = Policy.from_doc(sample_doc(rules=[
        rule("no-engage-for-guests", ["engage"], "block", who=["anonymous"]),
        rule("forum-from-nine", ["forum"], "allow", when=["lunch"]),
        rule("forum-otherwise", ["forum"], "block")]))
    assert closed.decide(None, FB, at(15, 0)).alternatives == ()
    assert closed.decide(None, FB, at(12, 30)).alternatives == (forum,)
    assert closed.decide("zed", FB, at(12, 30)).alternatives == (forum, engage)
    forum_decision = closed.decide("zed", "https://forum.corp.example/", at(12, 30))
    assert forum_decision.internal and forum_decision.category == "internal-social"


def test_the_trace_walks_every_rule_up_to_the_deciding_one(sample):
    decision = sample.decide("bob", FB, at(15, 0), used_minutes=12)
    assert decision.trace == (
        TraceStep("comms-runs-our-accounts", False, "who: bob is not in group:communications"),
        TraceStep("guests-no-social", False, "who: bob is not on network:guest-wifi or anonymous"),
        TraceStep("social-at-lunch", False, "when: outside lunch, evenings, holidays"),
        TraceStep("social-budget", True, "matches (who: group:staff; sites: www.facebook.com is facebook); "
                                         "quota: 12 of 30 minutes used today → allow"),
    )
    other = sample.decide("zed", "https://www.example.org/", at(15, 0), client_ip="10.1.1.1").trace
    assert other[1] == TraceStep("guests-no-social", False,
                                 "who: zed from 10.1.1.1 is not on network:guest-wifi or anonymous")
    assert other[-2] == TraceStep("no-social-otherwise", False,
                                  "sites: www.example.org is not in category:external-social")
    assert other[-1] == TraceStep("default", True, "no rule matched → default allow")
    linkedin = sample.decide("zed", "https://linkedin.com/", at(12, 0, day=(2026, 12, 24)), method="POST")
    assert ("linkedin-no-posting-at-work", False, "sites: linkedin.com is not facebook or youtube") \
        not in [(s.rule, s.matched, s.why) for s in linkedin.trace]
    assert linkedin.trace[-1].why.startswith("matches (who: everyone; sites: linkedin.com is linkedin; "
                                             "when: inside lunch, holidays)")


def test_naive_times_are_in_the_policy_zone(sample):
    assert sample.decide("zed", FB, datetime(*THURSDAY, 12, 15)).action == "allow"
    assert sample.decide("zed", FB, datetime(*THURSDAY, 12, 15, tzinfo=timezone.utc)).action == "block"


def test_garbage_urls_are_refused(sample):
    with pytest.raises(ValueError, match="not a host name"):
        sample.decide("zed", "https://exa mple.com/", at(12, 0))


def test_a_decision_survives_json(sample):
    decision = sample.decide("alice", FB, at(15, 0), used_minutes=30)
    data = json.loads(json.dumps(decision.to_json()))
    assert data["until"] == "2026-11-26T18:00:00+01:00"
    assert data["quota"]["resets_at"] == "2026-11-27T00:00:00+01:00"
    assert data["trace"][-1]["rule"] == "social-budget"
    assert Decision.from_json(data) == decision


def test_policy_facts_for_the_proxy_and_panel(sample):
    assert sample.timezone == BERLIN and sample.sites["facebook"].label == "Facebook"
    assert sample.site_for_host("CDN.FBCDN.NET.").name == "facebook"
    assert sample.site_for_host("evilfacebook.com") is None and sample.site_for_host("") is None
    assert sample.groups_of("alice") == {"marketing", "staff"} and sample.groups_of(None) == frozenset()
    assert sample.managers_of("marketing") == {"carol"}
    assert sample.groups_managed_by("grace") == {"engineering"}
    assert sample.version == Policy.from_doc(sample_doc()).version and len(sample.version) == 12
    assert Policy.from_doc(sample_doc(default="block")).version != sample.version


def test_a_day_without_midnight_has_a_budget_from_0100():
    santiago = Policy.from_doc(doc(timezone="America/Santiago", sites=[site("facebook", "facebook.com")],
                                   rules=[rule("budget", ["facebook"], "quota", quota=30)]))
    decision = santiago.decide("ana", FB, datetime(2026, 9, 6, 12, 0, tzinfo=timezone.utc))
    assert decision.quota.period_start.isoformat() == "2026-09-06T01:00:00-03:00"
    assert decision.quota.resets_at.isoformat() == "2026-09-07T00:00:00-03:00"


def test_until_is_exact_across_a_dst_change():
    early = Policy.from_doc(doc(sites=[site("facebook", "facebook.com")],
                                schedules=[schedule("night", window(days=[6], start="02:30", end="05:00"))],
                                rules=[rule("night-only", ["facebook"], when=["night"]),
                                       rule("otherwise", ["facebook"], "block")]))
    decision = early.decide("zed", FB, datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN))
    assert decision.action == "block"
    assert decision.until == datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)   # the clock jumps to 03:00


def test_a_yaml_policy_loads_and_decides(tmp_path):
    (tmp_path / "policy.yaml").write_text("""\
version: 1
timezone: Europe/Berlin
categories:
  external-social: {label: External social media}
sites:
  facebook: {label: Facebook, category: external-social, domains: [FaceBook.com.]}
schedules:
  lunch:
    - {days: mon-fri, from: 12:00, to: 13:00}
rules:
  - {name: lunch, sites: [facebook], when: [lunch], action: allow}
  - {name: otherwise, sites: [facebook], action: block}
default: allow
""")
    loaded = policy.load(tmp_path)
    assert loaded.decide("zed", "https://m.facebook.com/", at(12, 59)).action == "allow"
    closed = loaded.decide("zed", "https://m.facebook.com/", at(13, 0))
    assert (closed.action, closed.until) == ("block", at(12, 0, day=(2026, 11, 27)))


people = st.sampled_from([None, "alice", "bob", "cleo", "dave", "erin", "zed"])
urls = st.sampled_from([FB, "https://static.fbcdn.net/x.js", "https://www.linkedin.com/", "https://youtube.com/",
                        "https://vimeo.com/", "https://forum.corp.example/", "https://example.org/"])
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(timezone.utc))


@settings(max_examples=150, deadline=None)
@given(people, urls, moments, st.sampled_from(["GET", "POST"]), st.sampled_from([None, "10.20.0.9", "10.9.0.1"]),
       st.integers(0, 40), st.booleans())
def test_agrees_with_the_naive_loop_and_until_is_exact(sample, user, url, moment, method, ip, used, continued):
    asked = dict(method=method, client_ip=ip, used_minutes=used, continued=continued)
    decision = sample.decide(user, url, moment, **asked)
    assert (decision.action, decision.rule) == NaiveEngine(sample.doc).decide(user, url, moment, **asked)
    end = decision.until or moment + timedelta(days=7)
    step = (end - moment) / 13
    for n in range(13):                      # nothing changes before `until`…
        assert sample.decide(user, url, moment + step * n, **asked).rule == decision.rule
    if decision.until is not None and decision.quota is None:   # …and at `until` the deciding rule does
        assert sample.decide(user, url, decision.until, **asked).rule != decision.rule
