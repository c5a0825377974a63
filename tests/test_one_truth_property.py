"""Property: over random rules, adjustments, grants, minutes used and moments, the proxy's decision,
the employee page's state for each site and `watercooler explain` tell the same thing.

Each path runs its own code: the proxy's policy holder and decider (with its usage counter), the
overview function behind /me/, and explain's decision; the database reads they share are stood in for
by one in-memory record (tests/test_one_truth.py reads a real database the same three ways).
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings, strategies as st

from cli.explain import _decide
from cli.explain_db import Sources
from policy.actions import shown
from policy.changes.effective import combine
from policy.changes.overrides import Adjustment, Grant
from policy.engine.engine import Policy
from policy.model import Adjustable, Category, GrantBound
from policy.request import Request
from proxy_addons.auth.identity import Who
from proxy_addons.clock import Clock
from proxy_addons.enforcing.continued import ContinuedState
from proxy_addons.enforcing.deciding import Decider
from proxy_addons.rules.watch import PolicyHolder
from proxy_addons.usage.counter import UsageCounter
from proxy_addons.usage.memory_sink import MemorySink, minute_of
from tests.support.policies import HERE, doc, group, rule, schedule, site, window
from web.me.overview import overview

BERLIN = ZoneInfo("Europe/Berlin")
USERS = ("alice", "bob", "carl")
SITES = [site("facebook", "facebook.com", category="social", label="Facebook"),
         site("instagram", "instagram.com", category="social", label="Instagram"),
         site("youtube", "youtube.com", category="video", label="YouTube"),
         site("forum", "forum.corp.example", category="community", label="Forum")]
CATEGORIES = {"social": Category("social", "Social media", False, HERE),
              "video": Category("video", "Video", False, HERE),
              "community": Category("community", "Our community", True, HERE)}
SITE_SETS = [["facebook"], ["category:social"], ["facebook", "youtube"], ["category:social", "category:video"],
             ["instagram"]]

clocks = st.integers(0, 47).map(lambda n: f"{n // 2:02d}:{n % 2 * 30:02d}")
windows = st.builds(lambda days, start, end: window(days, start, end if end != start else "24:00"),
                    st.frozensets(st.integers(0, 6), min_size=1), clocks, clocks)
rule_shapes = st.lists(st.tuples(
    st.sampled_from(["allow", "block", "quota", "quota", "warn", "read-only"]),
    st.sampled_from(range(len(SITE_SETS))),
    st.sampled_from([True, True, False]), st.sets(st.integers(0, 1), max_size=1), st.integers(1, 12),
    st.sampled_from(["day", "week"]), st.sampled_from([True, True, False])), min_size=1, max_size=4)
adjustment_shapes = st.lists(st.tuples(st.integers(0, 1), st.one_of(st.none(), st.integers(0, 90)),
                                       st.sampled_from([None, None, "allow", "warn", "quota", "block"])),
                             max_size=3)
grant_shapes = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(["facebook", "instagram", "youtube"]),
                                  st.integers(-3, 10)), max_size=2)
charge_shapes = st.dictionaries(st.integers(0, 3), st.sets(st.integers(0, 100), max_size=70), max_size=4)


def make_base(windows_of, shapes, default) -> Policy:
    rules = []
    for index, (action, sites, mine, when, minutes, per, adjustable) in enumerate(shapes):
        rules.append(rule(f"r{index}", SITE_SETS[sites], action, who=["group:team"] if mine else [],
                          when=[f"s{n}" for n in when if n < len(windows_of)],
                          quota=minutes if action == "quota" else None, per=per,
                          remember=30 if action == "warn" else None,
                          adjustable=Adjustable((0, 90), ("allow", "warn", "quota", "block"), None,
                                                GrantBound(8, ())) if adjustable else None,
                          message="{minutes} minutes a {per} of {budget}; {site} opens {opens}"))
    return Policy.from_doc(doc(sites=SITES, categories=CATEGORIES, groups=[group("team", ["alice", "bob"])],
                               schedules=[schedule(f"s{n}", *ws) for n, ws in enumerate(windows_of)],
                               rules=rules, default=default))


class Recorded(Sources):
    """Explain's sources with the database's answers given: the same overrides and charges as the others."""

    def __init__(self, base, overrides, sink: MemorySink) -> None:
        super().__init__(base, "memory")
        self.overrides, self.sink = overrides, sink

    def effective(self, at):
        return combine(self.base, *self.overrides)

    def used(self, user, at):
        return lambda rule, start: self.sink.used_minutes(user, rule, start, minute_of(at))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(windows, min_size=1, max_size=2), min_size=1, max_size=2), rule_shapes,
       st.sampled_from(["allow", "block"]), adjustment_shapes, grant_shapes, charge_shapes,
       st.sampled_from(USERS), st.datetimes(datetime(2026, 11, 20), datetime(2026, 12, 31)))
def test_the_proxy_the_employee_page_and_explain_agree(windows_of, shapes, default, adjusted, granted, charges,
                                                       user, moment):
    base = make_base(windows_of, shapes, default)
    now = moment.replace(tzinfo=BERLIN)
    adjustments = tuple(Adjustment(f"r{index}", "team", minutes, action) for index, minutes, action in adjusted
                        if index < len(shapes) and (minutes is not None or action is not None))
    grants = tuple(Grant(person, name, now + timedelta(hours=hours)) for person, name, hours in granted)
    sink = MemorySink()
    current = minute_of(now.astimezone(timezone.utc))
    for index, offsets in charges.items():           # the asker's minutes charged to each quota rule
        sink.charged[(user, f"r{index}")] = {current - timedelta(minutes=offset) for offset in offsets}

    holder = PolicyHolder()                         # the proxy: its holder takes the overrides, its decider asks
    holder.base = holder.policy = base
    asyncio.run(holder.set_overrides(adjustments, grants))
    decider = Decider(holder, UsageCounter(sink), ContinuedState(), Clock())   # `now` is passed to each decision
    sources = Recorded(base, (adjustments, grants), sink)
    effective = combine(base, adjustments, grants)
    event(f"{len(effective.adjustments)} adjustment(s) and {len(effective.grants)} grant(s) in force")
    page = {entry.name: entry for section in overview(combine(base, adjustments, grants).policy, user, now,
                                                      sources.used(user, now)) for entry in section.sites}
    for known in SITES:
        url = f"https://{known.domains[0]}/"
        enforced = decider.decide(Who(user, None), url, "GET", now)
        told = _decide(sources, sources.effective(now).policy, Request(user, url, now), given=False)
        facts = (enforced.action, enforced.rule, enforced.reason, enforced.message, enforced.quota, enforced.until)
        assert (told.action, told.rule, told.reason, told.message, told.quota, told.until) == facts, known.name
        event(f"{enforced.action} by a {enforced.rule_action}" + (" budget" if enforced.quota else ""))
        seen = page[known.name]
        assert (seen.reason, seen.message, seen.quota) == (enforced.reason, enforced.message, enforced.quota)
        assert seen.state == shown(enforced.action, enforced.rule_action).state, known.name
