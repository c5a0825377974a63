"""`Policy`: a compiled, immutable policy that decides requests.

`decide` touches only what can apply: the host's rule mask (suffix map), the asker's rule mask
(groups and networks resolved at compile time), and the timeline of the rules in both (which rule
decides when). Quota usage and "continued" state come in as arguments: deciding does no I/O.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from policy.changes.directory import Directory, membership_sources, with_directory
from policy.changes.extra_minutes import extra_at, extra_table
from policy.changes.grants import grant_bound
from policy.changes.overrides import Adjustment, Grant, grant_table, variants
from policy.engine.compiler import Compiled, compile_doc
from policy.engine.decision import Decision, build
from policy.engine.hosts import authority_of, canonical_host, host_of
from policy.engine.localtime import HORIZON, Periods
from policy.engine.outcomes import outcome
from policy.engine.sitemap import HostMatch
from policy.engine.timeline import Timeline
from policy.engine.why import Why, made
from policy.loading.versions import doc_version
from policy.model import GrantBound, PolicyDoc, Rule, Site
from policy.unnamed import decide_unnamed, restriction
from policy.words.budgets import Budget, budgets_of

UsedMinutes = int | Callable[[str, datetime], int]
Continued = bool | Callable[[str, str | None], bool]


class Policy:
    def __init__(self, doc: PolicyDoc, adjustments: Iterable[Adjustment] = (),
                 grants: Iterable[Grant] = (), directory: Directory | None = None) -> None:
        self.doc = doc
        self.directory = directory      # the snapshot whose members fill directory groups (None: none)
        self.timezone = ZoneInfo(doc.timezone)
        self.adjustments = tuple(adjustments)
        self.grants = tuple(grants)
        self._compiled: Compiled = compile_doc(doc, self.timezone, variants(doc, self.adjustments))
        self._grants = grant_table(doc, self.grants, self.timezone)
        self._extra = extra_table(doc, self.grants, self.timezone)
        self.periods = Periods(self.timezone)
        self._timelines: dict[int, Timeline] = {}
        self._ip_masks: dict[object, int] = {}
        self._matches: dict[str, HostMatch] = {}     # authority as written → what the policy knows of it
        self._anonymous = self._compiled.everyone | self._compiled.anonymous
        self._restrictions: dict[int, str | None] = {}
        self.alternatives_seen: dict[int, tuple[float, float, tuple[Any, ...]]] = {}
        self.version = doc_version(doc)
        self.internal_sites = [
            (site, self._compiled.sitemap.match(site.domains[0])) for site in doc.sites.values()
            if site.domains and doc.categories.get(site.category) and doc.categories[site.category].internal]

    @classmethod
    def from_doc(cls, doc: PolicyDoc) -> Policy:
        return cls(doc)

    def with_overrides(self, adjustments: Iterable[Adjustment] = (), grants: Iterable[Grant] = ()) -> Policy:
        """The rules as written with exactly these per-group adjustments and per-user grants (see
        `policy.changes.overrides`), replacing any this policy has; ValueError, with a sentence for the panel,
        when an adjustment breaks its rule's bounds or a grant names no site."""
        return Policy(self.doc, adjustments, grants, self.directory)

    def with_directory(self, directory: Directory | None) -> Policy:
        """This policy with its directory groups' members taken from `directory` (policy/changes/directory.py)."""
        return Policy(with_directory(self.doc, directory), self.adjustments, self.grants, directory)

    def membership_sources(self, user: str) -> dict[str, str]:
        """Where each of `user`'s direct group memberships comes from: the rules, or a directory group."""
        return membership_sources(self.doc, self.directory, user)

    @cached_property
    def budgets(self) -> dict[str, Budget]:
        """Per rule: the budget a quota of it is (policy/words/budgets.py); worked out when first asked."""
        return budgets_of(self.doc)

    @property
    def sites(self) -> Mapping[str, Site]:
        return self.doc.sites

    def site_for_host(self, host: str) -> Site | None:
        """The site a host (any spelling) belongs to, by its domains or bundle; None if none or garbage."""
        try:
            return self._compiled.sitemap.match(canonical_host(host)).site
        except ValueError:
            return None

    def decide_unnamed(self, user: str | None, url: str, at: datetime, *, client_ip: object = None) -> Decision:
        """Decide a connection to an address (the URL's host) whose requests cannot be seen, by the
        policy's `unnamed` setting (see `policy.unnamed`); ValueError when the host is garbage. An
        address the rules name (a site's domain, a `domain:` entry) is decided like a host name."""
        match = self._compiled.sitemap.match(host_of(url))
        if match.key is not None:
            return self.decide(user, url, at, client_ip=client_ip)
        ts = (at if at.tzinfo is not None else at.replace(tzinfo=self.timezone)).timestamp()
        compiled = self._compiled
        principal = compiled.users.get(user, compiled.everyone) if user is not None else self._anonymous
        if client_ip is not None and compiled.networks:
            ip_mask = self._ip_masks.get(client_ip)
            principal |= ip_mask if ip_mask is not None else self._ip_mask(client_ip)
        return decide_unnamed(self, match, user, client_ip, principal, ts)

    def restriction(self, principal: int) -> str | None:
        """The first rule (or 'default: block') that can limit this principal; None if nothing can."""
        if principal not in self._restrictions:
            self._restrictions[principal] = restriction(self, principal)
        return self._restrictions[principal]

    def host_masks(self) -> set[int]:
        return self._compiled.sitemap.masks()

    def rules(self) -> tuple[Any, ...]:
        return self._compiled.rules

    def networks_of(self, client_ip: object) -> frozenset[str]:
        return self._compiled.nets.of(str(client_ip))

    def grant_bound(self, user: str, site: str) -> tuple[Rule, GrantBound]:
        """The rule that lets managers grant `site` to `user`, and for how long; ValueError with a
        sentence when the rules do not allow it (policy/changes/grants.py)."""
        return grant_bound(self.doc, self._compiled.groups, user, site)

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
        authority = authority_of(url)
        match = self._matches.get(authority) or self._match(authority)
        compiled = self._compiled
        principal = compiled.users.get(user, compiled.everyone) if user is not None else self._anonymous
        if client_ip is not None and compiled.networks:
            ip_mask = self._ip_masks.get(client_ip)
            principal |= ip_mask if ip_mask is not None else self._ip_mask(client_ip)
        if self._grants:
            grant = self._grants.get((user, match.key))
            if grant is not None and ts < grant[0]:
                return self._granted(user, client_ip, match, principal, ts, method, grant)
        mask = principal & match.mask
        timeline = self._timelines.get(mask) or self.timeline(mask)
        rule, _, end, until = timeline.at(ts)
        if rule is None:
            written, action, quota = None, self.doc.default, None
            rule_action = action
        else:
            written = rule.rule
            action = rule_action = written.action
            quota = None
            if action != "allow" and action != "block":
                extra = self._extra_for(user, rule.index, match, ts) if self._extra else 0
                action, quota, until = outcome(self, rule, match, ts, method, used_minutes, continued, end, until,
                                               extra)
        return build(action, rule_action, written, match, until, quota,
                     made(Why, (self, timeline, rule, action, match, quota, user, client_ip, principal, ts, method,
                                None)))

    def _extra_for(self, user: str | None, index: int, match: HostMatch, ts: float) -> int:
        """Extra minutes managers added to the budget of the rule at `index`: those asked for any site on it."""
        bit = 1 << index
        sitemap = self._compiled.sitemap
        return extra_at(self._extra, user, ts, lambda site: site == match.key or bool(sitemap.site_mask(site) & bit))

    def timeline(self, mask: int) -> Timeline:
        """The timeline of the rules in `mask`, shared by every request with the same rules."""
        found = self._timelines.get(mask)
        if found is None:
            if len(self._timelines) > 65536:
                self._timelines.clear()
            rules = tuple(rule for rule in self._compiled.rules if mask >> rule.index & 1)
            found = self._timelines[mask] = Timeline(rules, self.timezone)
        return found

    def _match(self, authority: str) -> HostMatch:
        match = self._compiled.sitemap.match(canonical_host(authority))
        if len(self._matches) > 65536:
            self._matches.clear()
        self._matches[authority] = match
        return match

    def _ip_mask(self, client_ip: object) -> int:
        """The rules covering a client address through its networks (0 is a valid answer)."""
        compiled = self._compiled
        mask = 0
        for name in compiled.nets.of(str(client_ip)):
            mask |= compiled.networks.get(name, 0)
        if len(self._ip_masks) > 65536:
            self._ip_masks.clear()
        self._ip_masks[client_ip] = mask
        return mask

    def _granted(self, user: str | None, client_ip: object, match: HostMatch, principal: int, ts: float,
                 method: str, grant: tuple[float, datetime]) -> Decision:
        expires_ts, expires = grant
        until = expires if expires_ts <= ts + HORIZON else None
        return build("allow", "allow", None, match, until, None,
                     made(Why, (self, None, None, "allow", match, None, user, client_ip, principal, ts, method,
                                expires)))
