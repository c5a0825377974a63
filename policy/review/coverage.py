"""Does one rule's `who` or `sites` entry cover another's? The reasoning behind `check`'s warnings.

Conservative on purpose: "covers" is only claimed when it holds for every request, so a warning
never claims a rule is dead when it is not (some dead rules may go unreported).
"""
from __future__ import annotations

from functools import cached_property
from ipaddress import IPv4Network, IPv6Network

from policy.model import PolicyDoc


def under(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its subdomains (whole labels only)."""
    return host == domain or host.endswith("." + domain)


class Coverage:
    def __init__(self, doc: PolicyDoc):
        self.doc = doc

    @cached_property
    def groups_in(self) -> dict[str, frozenset[str]]:
        """Each group and every group it includes, transitively (the loader rejected cycles)."""
        def walk(name: str) -> frozenset[str]:
            seen, todo = {name}, [name]
            while todo:
                for other in self.doc.groups[todo.pop()].include:
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
            return frozenset(seen)
        return {name: walk(name) for name in self.doc.groups}

    def members(self, group: str) -> frozenset[str]:
        return frozenset().union(*(self.doc.groups[g].members for g in self.groups_in[group]))

    def who_covers(self, earlier: tuple[str, ...], later: tuple[str, ...]) -> bool:
        if not earlier or "everyone" in earlier:
            return True
        if not later or "everyone" in later:
            return False
        return all(any(self._principal_covers(e, entry) for e in earlier) for entry in later)

    def _principal_covers(self, earlier: str, later: str) -> bool:
        if earlier == later:
            return True
        kind, _, name = earlier.partition(":")
        later_kind, _, later_name = later.partition(":")
        if kind == "group" and later_kind == "user":
            return later_name in self.members(name)
        if kind == "group" and later_kind == "group":
            return later_name in self.groups_in[name]
        if kind == "network" and later_kind == "network":
            outer, inner = self.doc.networks[name].cidrs, self.doc.networks[later_name].cidrs
            return all(any(_within(i, o) for o in outer) for i in inner)
        return False

    def hosts(self, site: str) -> tuple[str, ...]:
        return self.doc.sites[site].domains + self.doc.sites[site].bundle

    def site_in(self, site: str, entries: tuple[str, ...]) -> bool:
        """Every host of `site` is decided by a rule whose sites are `entries`."""
        category = "category:" + self.doc.sites[site].category
        if site in entries or category in entries:
            return True
        domains = [e.removeprefix("domain:") for e in entries if e.startswith("domain:")]
        hosts = self.hosts(site)
        return bool(hosts) and all(any(under(h, d) for d in domains) for h in hosts)

    def sites_cover(self, earlier: tuple[str, ...], later: tuple[str, ...]) -> bool:
        return all(self._entry_covered(entry, earlier) for entry in later)

    def _entry_covered(self, entry: str, earlier: tuple[str, ...]) -> bool:
        if entry in earlier:
            return True
        if entry.startswith("category:"):
            sites = [s for s, site in self.doc.sites.items() if site.category == entry[9:]]
            return bool(sites) and all(self.site_in(s, earlier) for s in sites)
        if entry.startswith("domain:"):
            domain = entry[7:]
            if any(under(domain, e[7:]) for e in earlier if e.startswith("domain:")):
                return True
            # The hosts under it belong to the site owning it, or to sites with more specific domains.
            involved = [s for s in self.doc.sites
                        if any(under(h, domain) or under(domain, h) for h in self.hosts(s))]
            owns = [s for s in involved if any(under(domain, h) for h in self.hosts(s))]
            return bool(owns) and all(self.site_in(s, earlier) for s in involved)
        return self.site_in(entry, earlier)


def _within(inner: IPv4Network | IPv6Network, outer: IPv4Network | IPv6Network) -> bool:
    """`inner` lies inside `outer` (addresses of different versions never do)."""
    if isinstance(inner, IPv4Network) and isinstance(outer, IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, IPv6Network) and isinstance(outer, IPv6Network):
        return inner.subnet_of(outer)
    return False
