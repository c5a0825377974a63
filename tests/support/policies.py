"""Policies for engine tests, built as plain `PolicyDoc` values (no YAML, no loader).

`sample_doc()` is the policy of issue #2's example: Berlin, external social at lunch/evenings/holidays,
a daily budget for staff, read-only LinkedIn, a YouTube nudge, guests blocked.
"""
from __future__ import annotations

from datetime import date
from ipaddress import ip_network

from policy.model import Adjustable, Category, Group, Network, PolicyDoc, Quota, Rule, Schedule, Site, Source, Window

HERE = Source("test.yaml", 1, 1)
WEEKDAYS = frozenset(range(5))


def minutes(clock: str) -> int:
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins)


def window(days=WEEKDAYS, start="00:00", end="24:00", dates=None) -> Window:
    return Window(frozenset(days) if days is not None else None,
                  frozenset(dates) if dates is not None else None, minutes(start), minutes(end), HERE)


def schedule(name: str, *windows: Window) -> Schedule:
    return Schedule(name, tuple(windows), HERE)


def site(name: str, *domains: str, category="external-social", label=None, bundle=()) -> Site:
    return Site(name, label or name.capitalize(), category, tuple(domains), tuple(bundle), HERE)


def group(name: str, members=(), managers=(), include=()) -> Group:
    return Group(name, frozenset(members), frozenset(managers), tuple(include), HERE)


def rule(name: str, sites, action="allow", *, who=(), when=(), except_=(), quota=None, per="day",
         remember=None, adjustable=None, message=None) -> Rule:
    return Rule(name, tuple(who), tuple(sites), tuple(when), tuple(except_), action,
                Quota(quota, per) if quota is not None else None, remember, adjustable, message, HERE)


def doc(*, sites=(), groups=(), networks=None, schedules=(), rules=(), default="allow",
        timezone="Europe/Berlin", categories=None) -> PolicyDoc:
    categories = categories or {
        "external-social": Category("external-social", "External social media", False, HERE),
        "internal-social": Category("internal-social", "Our community", True, HERE),
    }
    return PolicyDoc(1, timezone, categories, {s.name: s for s in sites}, {g.name: g for g in groups},
                     {name: Network(name, tuple(ip_network(c) for c in cidrs), HERE)
                      for name, cidrs in (networks or {}).items()},
                     {s.name: s for s in schedules}, tuple(rules), default, ("test.yaml",))


def sample_doc(**changes) -> PolicyDoc:
    parts = dict(
        sites=[site("facebook", "facebook.com", "fb.com", "messenger.com", bundle=["fbcdn.net", "fbsbx.com"]),
               site("linkedin", "linkedin.com", label="LinkedIn", bundle=["licdn.com"]),
               site("youtube", "youtube.com", label="YouTube", bundle=["ytimg.com"]),
               site("forum", "forum.corp.example", category="internal-social", label="Company forum"),
               site("engage", "engage.corp.example", category="internal-social", label="Viva Engage")],
        groups=[group("marketing", ["alice", "bob"], managers=["carol"]),
                group("engineering", ["erin", "frank"], managers=["grace"]),
                group("communications", ["cleo"]),
                group("staff", ["dave"], include=["marketing", "engineering"])],
        networks={"guest-wifi": ["10.20.0.0/16"]},
        schedules=[schedule("lunch", window(start="12:00", end="13:00")),
                   schedule("evenings", window(start="18:00", end="07:00")),
                   schedule("holidays", window(days=None, dates=[date(2026, 12, 24), date(2026, 12, 25),
                                                                 date(2026, 12, 31)]))],
        rules=[rule("comms-runs-our-accounts", ["category:external-social"], who=["group:communications"]),
               rule("guests-no-social", ["category:external-social"], "block",
                    who=["network:guest-wifi", "anonymous"]),
               rule("social-at-lunch", ["category:external-social"], when=["lunch", "evenings", "holidays"]),
               rule("social-budget", ["facebook", "youtube"], "quota", who=["group:staff"], quota=30,
                    adjustable=Adjustable((0, 90), ("allow", "quota", "block"), ("lunch", "evenings")),
                    message="Thirty minutes a day; lunch and evenings don't count."),
               rule("linkedin-no-posting-at-work", ["linkedin"], "read-only", except_=["holidays"]),
               rule("youtube-nudge", ["youtube", "domain:vimeo.com"], "warn", remember=60),
               rule("no-social-otherwise", ["category:external-social"], "block")],
    )
    parts.update(changes)
    return doc(**parts)
