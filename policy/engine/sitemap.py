"""From a canonical host to its site and to the rules whose `sites` cover it.

A suffix map holds every domain of every site (and every `domain:` entry of a rule); a lookup walks
the host's labels from the full name towards the top-level one, so only whole labels match:
`m.facebook.com` is facebook.com, `evilfacebook.com` and `facebook.com.evil.example` are not. The most
specific site domain names the site; every `domain:` entry on the way adds its rules.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address

from policy.model import Category, Site


@dataclass(frozen=True, slots=True, eq=False)   # compared by identity: one per host, cheap to hash
class HostMatch:
    host: str
    site: Site | None
    key: str | None           # the site's name, or "domain:D" for a host known only from a rule entry
    label: str                # what the employee reads: the site's label, or the host
    category: str | None
    internal: bool
    bundle: bool              # an asset host of the site: decided like it, never counted as use
    mask: int                 # bit set of the compiled rules whose `sites` cover this host


@dataclass(frozen=True, slots=True)
class _Entry:
    site: Site | None
    bundle: bool
    mask: int                 # rules naming this exact domain in a `domain:` entry


class SiteMap:
    def __init__(self, sites: Mapping[str, Site], categories: Mapping[str, Category],
                 site_masks: Mapping[str, int], domain_masks: Mapping[str, int]) -> None:
        self._categories = categories
        self._site_masks = site_masks
        self._map: dict[str, _Entry] = {}
        for domain, mask in domain_masks.items():
            self._map[domain] = _Entry(None, False, mask)
        # Site domains first, then bundles: a host listed as both is the site itself.
        for bundle in (True, False):
            for site in sites.values():
                for domain in site.bundle if bundle else site.domains:
                    entry = self._map.get(domain)
                    self._map[domain] = _Entry(site, bundle, entry.mask if entry else 0)
        self._seen: dict[str, HostMatch] = {}

    def site_mask(self, key: str) -> int:
        """The rules whose `sites` cover the site named `key` (0 for a name no rule covers)."""
        return self._site_masks.get(key, 0)

    def masks(self) -> set[int]:
        """The rule masks a host can start from: each site's, and each `domain:` entry's."""
        return {*self._site_masks.values(), *(entry.mask for entry in self._map.values())}

    def match(self, host: str) -> HostMatch:
        """What the policy knows about a canonical host (remembered: hosts repeat a lot)."""
        found = self._seen.get(host)
        if found is None:
            if len(self._seen) > 65536:
                self._seen.clear()
            found = self._seen[host] = self._walk(host)
        return found

    def _walk(self, host: str) -> HostMatch:
        site, bundle, mask, domain_key = None, False, 0, None
        suffixes = [host] if _is_ip(host) else _suffixes(host)
        for suffix in suffixes:                  # most specific first
            entry = self._map.get(suffix)
            if entry is None:
                continue
            mask |= entry.mask
            if entry.site is not None and site is None:
                site, bundle = entry.site, entry.bundle
            if entry.mask and domain_key is None:
                domain_key = f"domain:{suffix}"
        if site is not None:
            category = self._categories.get(site.category)
            return HostMatch(host, site, site.name, site.label, site.category,
                             bool(category and category.internal), bundle,
                             mask | self._site_masks.get(site.name, 0))
        return HostMatch(host, None, domain_key, host, None, False, False, mask)


def _suffixes(host: str) -> list[str]:
    found = [host]
    dot = host.find(".")
    while dot >= 0:
        found.append(host[dot + 1:])
        dot = host.find(".", dot + 1)
    return found


def _is_ip(host: str) -> bool:
    if not (host[-1].isdigit() or ":" in host):
        return False
    try:
        ip_address(host)
    except ValueError:
        return False
    return True
