"""`Policy`: a compiled, immutable policy that decides requests.

`decide` touches only what can apply: the host's rule mask (suffix map), the asker's rule mask
(groups and networks resolved at compile time), and the timeline of the rules in both (which rule
decides when). Quota usage and "continued" state come in as arguments: deciding does no I/O.
"""
from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from policy.compiler import Compiled, CompiledRule, compile_doc
from policy.decision import Decision, build
from policy.hosts import canonical_host, host_of
from policy.localtime import Periods
from policy.model import PolicyDoc, Site
from policy.outcomes import alternatives, outcome, reason_for
from policy.overrides import Adjustment, Grant, grant_table, variants
from policy.timeline import Timeline
from policy.trace import trace_steps
from policy.versions import doc_version

UsedMinutes = int | Callable[[str, datetime], int]
Continued = bool | Callable[[str, str | None], bool]


class Policy:
    def __init__(self, doc: PolicyDoc, adjustments: Iterable[Adjustment] = (),
                 grants: Iterable[Grant] = ()) -> None:
        self.doc = doc
        self.timezone = ZoneInfo(doc.timezone)
        self.adjustments = tuple(adjustments)
        self.grants = tuple(grants)
        self._compiled: Compiled = compile_doc(doc, self.timezone, variants(doc, self.adjustments))
        self._grants = grant_table(doc, self.grants, self.timezone)
        self.periods = Periods(self.timezone)
        self._timelines: dict[int, Timeline] = {}
        self._ip_masks: dict[str, int] = {}
        self.alternatives_seen: dict[int, tuple[float, float, tuple]] = {}
        self.version = doc_version(doc)
        self.internal_sites = [
            (site, self._compiled.sitemap.match(site.domains[0])) for site in doc.sites.values()
            if site.domains and doc.categories.get(site.category) and doc.categories[site.category].internal]

    @classmethod
    def from_doc(cls, doc: PolicyDoc) -> Policy:
        return cls(doc)

    def with_overrides(self, adjustments: Iterable[Adjustment] = (), grants: Iterable[Grant] = ()) -> Policy:
        """This policy with the panel's per-group adjustments and per-user grants (see `policy.overrides`);
        ValueError, with a sentence for the panel, when an adjustment breaks its rule's bounds."""
        return Policy(self.doc, adjustments, grants)

    @property
    def sites(self) -> Mapping[str, Site]:
        return self.doc.sites

    def site_for_host(self, host: str) -> Site | None:
        """The site a host (any spelling) belongs to, by its domains or bundle; None if none or garbage."""
        try:
            return self._compiled.sitemap.match(canonical_host(host)).site
        except ValueError:
            return None

    def groups_of(self, user: str | None) -> frozenset[str]:
        return self._compiled.groups.groups_of(user)

    def managers_of(self, group: str) -> frozenset[str]:
        return self._compiled.groups.managers_of(group)

    def groups_managed_by(self, user: str) -> frozenset[str]:
        return self._compiled.groups.groups_managed_by(user)

    def decide(self, user: str | None, url: str, at: datetime, *, method: str = "GET",
               client_ip: object = None, used_minutes: UsedMinutes = 0,
               continued: Continued = False) -> Decision:
        """Decide one request. `at` naive means wall-clock time in the policy's zone; a URL whose host
        is garbage raises ValueError (callers must then refuse the request, never let it through)."""
        ts = (at if at.tzinfo is not None else at.replace(tzinfo=self.timezone)).timestamp()
        compiled = self._compiled
        match = compiled.sitemap.match(host_of(url))
        principal = self._principal(user, client_ip)
        grant = self._grants.get((user, match.key)) if self._grants else None
        if grant is not None and ts < grant[0]:
            return self._granted(user, client_ip, match, principal, ts, method, grant)
        timeline = self.timeline(principal & match.mask)
        rule, _, end, until = timeline.at(ts)
        action, quota, until = outcome(self, rule, match, ts, method, used_minutes, continued, end, until)
        written = rule.rule if rule is not None else None
        return build(action, written and written.name, written.action if written else self.doc.default,
                     match.key, match.category, match.host, match.bundle,
                     reason_for(self, timeline, rule, action, match, quota), written and written.message,
                     until, quota, alternatives(self, principal, ts),
                     partial(trace_steps, compiled, self.doc.default, user, client_ip, match, principal, ts,
                             method, rule, action, quota, None),
                     written.remember if written else None, match.internal)

    def timeline(self, mask: int) -> Timeline:
        """The timeline of the rules in `mask`, shared by every request with the same rules."""
        found = self._timelines.get(mask)
        if found is None:
            if len(self._timelines) > 65536:
                self._timelines.clear()
            rules = tuple(rule for rule in self._compiled.rules if mask >> rule.index & 1)
            found = self._timelines[mask] = Timeline(rules, self.timezone)
        return found

    def _principal(self, user: str | None, client_ip: object) -> int:
        compiled = self._compiled
        if user is None:
            mask = compiled.everyone | compiled.anonymous
        else:
            mask = compiled.users.get(user, compiled.everyone)
        if client_ip is not None and compiled.networks:
            key = str(client_ip)
            ip_mask = self._ip_masks.get(key)
            if ip_mask is None:
                if len(self._ip_masks) > 65536:
                    self._ip_masks.clear()
                ip_mask = 0
                for name in compiled.nets.of(key):
                    ip_mask |= compiled.networks.get(name, 0)
                self._ip_masks[key] = ip_mask
            mask |= ip_mask
        return mask

    def _granted(self, user, client_ip, match, principal, ts, method, grant) -> Decision:
        expires_ts, expires = grant
        until = expires if expires_ts <= ts + 7 * 86400 else None
        label = match.label
        return build("allow", None, "allow", match.key, match.category, match.host, match.bundle,
                     f"{label} is open to you until {expires:%a %d %b %H:%M} (granted by a manager).",
                     None, until, None, alternatives(self, principal, ts),
                     partial(trace_steps, self._compiled, self.doc.default, user, client_ip, match, principal,
                             ts, method, None, "allow", None, expires),
                     None, match.internal)
