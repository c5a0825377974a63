"""The obvious way to evaluate a policy: the oracle the engine's tests and `bench/decide.py` compare with.

It lives with the tests, not in policy/, because the product never runs it: it is the reference the
compiled engine must agree with (tests/policy/engine/test_engine.py) and the baseline it is timed against
(bench/decide.py imports it from here; tests never import bench/).

Each request loops over the rules in order; hosts match with `fnmatch` against `domain` and
`*.domain` patterns of every site a rule names; groups are lists searched for the user (walking
`include` each time); schedules are read from the local wall clock. Same answers, no precomputation.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from fnmatch import fnmatch
from ipaddress import ip_address
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from policy.model import PolicyDoc, Rule

READING = ("GET", "HEAD", "OPTIONS")


class NaiveEngine:
    def __init__(self, doc: PolicyDoc) -> None:
        self.doc = doc
        self.zone = ZoneInfo(doc.timezone)
        self.members = {name: sorted(group.members) for name, group in doc.groups.items()}
        self.patterns = {rule.name: self._patterns(rule) for rule in doc.rules}

    def decide(self, user: str | None, url: str, at: datetime, *, method: str = "GET",
               client_ip: str | None = None, used_minutes: int = 0, continued: bool = False) -> tuple[str, str | None]:
        """(action, deciding rule or None)."""
        host = (urlsplit(url).hostname or "").rstrip(".")
        local = at.astimezone(self.zone)
        for rule in self.doc.rules:
            if not self._who(rule, user, client_ip) or not self._sites(rule, host):
                continue
            if rule.when and not any(self._inside(name, local) for name in rule.when):
                continue
            if any(self._inside(name, local) for name in rule.except_):
                continue
            return self._action(rule, method, used_minutes, continued), rule.name
        return self.doc.default, None

    def _who(self, rule: Rule, user: str | None, client_ip: str | None) -> bool:
        for entry in rule.who or ("everyone",):
            kind, _, name = entry.partition(":")
            if kind == "everyone" or (kind == "anonymous" and user is None):
                return True
            if kind == "user" and user == name:
                return True
            if kind == "group" and user is not None and self._in_group(user, name):
                return True
            if kind == "network" and client_ip is not None and any(
                    ip_address(client_ip) in cidr for cidr in self.doc.networks[name].cidrs):
                return True
        return False

    def _in_group(self, user: str, name: str) -> bool:
        return user in self.members[name] or any(self._in_group(user, inner) for inner in self.doc.groups[name].include)

    def _sites(self, rule: Rule, host: str) -> bool:
        return any(fnmatch(host, pattern) for pattern in self.patterns[rule.name])

    def _patterns(self, rule: Rule) -> list[str]:
        """`domain` and `*.domain` for every domain the rule's `sites` name (listed once, up front)."""
        domains = []
        for entry in rule.sites:
            kind, _, name = entry.partition(":")
            if kind == "domain":
                domains.append(name)
            elif kind == "category":
                domains += [d for site in self.doc.sites.values() if site.category == name
                            for d in site.domains + site.bundle]
            else:
                domains += self.doc.sites[entry].domains + self.doc.sites[entry].bundle
        return [pattern for domain in domains for pattern in (domain, "*." + domain)]

    def _inside(self, name: str, local: datetime) -> bool:
        minute = local.hour * 60 + local.minute
        for window in self.doc.schedules[name].windows:
            for day, offset in ((local.date(), 0), (local.date() - timedelta(days=1), 1440)):
                if window.dates is not None and day not in window.dates:
                    continue
                if window.days is not None and day.weekday() not in window.days:
                    continue
                end = window.end if window.end > window.start else window.end + 1440
                if window.start <= minute + offset < end:
                    return True
        return False

    def _action(self, rule: Rule, method: str, used: int, continued: bool) -> str:
        if rule.action == "read-only":
            return "allow" if method.upper() in READING else "block"
        if rule.action == "quota":
            return "allow" if used < rule.quota.minutes else "block"
        if rule.action == "warn":
            return "allow" if continued else "warn"
        return rule.action
