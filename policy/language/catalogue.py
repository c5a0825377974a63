"""Categories, sites and networks: the named things rules point at, checked and made canonical.

Domains are canonicalised exactly as the engine canonicalises request hosts (policy/engine/hosts.py), so a
rule written `FaceBook.COM.` matches what a browser sends. A domain belongs to one site only.
"""
from __future__ import annotations

from ipaddress import ip_network
from typing import Any

from policy.engine.hosts import canonical_host, host_of
from policy.loading.merge import Entry
from policy.loading.problems import Invalid, Problem
from policy.loading.wording import suggest
from policy.model import Category, Network, Site


def canonical_domain(text: str) -> str:
    """A domain entry as the engine will match it; `Invalid` with the fix otherwise."""
    text = str(text).strip()
    if text.startswith("*."):
        raise Invalid(f"'{text}' has a wildcard", f"a domain already covers its subdomains; write '{text[2:]}'")
    if "/" in text:
        try:
            host = host_of(text)
        except ValueError:
            host = "the host name"
        raise Invalid(f"'{text}' is a URL, not a domain", f"write the host name only: '{host}'")
    try:
        return canonical_host(text)
    except ValueError as exc:
        raise Invalid(str(exc), "write a host name such as facebook.com") from None


def build_categories(entries: dict[str, Entry]) -> dict[str, Category]:
    return {name: Category(name, str(e.get("label") or name), bool(e.get("internal", False)), e.key_at())
            for name, e in entries.items()}


def build_sites(entries: dict[str, Entry], categories: dict[str, Category],
                problems: list[Problem]) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    owner: dict[str, tuple[Any, ...]] = {}   # canonical domain → (site, entry, key, index) where it first appeared
    for name, entry in entries.items():
        category = entry.get("category")
        if category not in categories:
            problems.append(Problem.at(entry.at("category"), f"site '{name}' names unknown category '{category}'",
                                       suggest(category, categories, "define it under 'categories:'")))
        lists: dict[str, list[str]] = {}
        for key in ("domains", "bundle"):
            lists[key] = []
            for index, text in enumerate(entry.get(key) or []):
                try:
                    domain = canonical_domain(text)
                except Invalid as exc:
                    problems.append(Problem.at(entry.at(key, index), f"{exc.message} in site '{name}'", exc.fix))
                    continue
                first = owner.setdefault(domain, (name, entry, key, index))
                if first[0] != name:
                    problems.append(Problem.at(entry.at(key, index), f"domain '{domain}' is already listed by "
                                               f"site '{first[0]}' (at {first[1].at(*first[2:])})",
                                               "list each domain under one site only"))
                elif first[2] != key:
                    problems.append(Problem.at(entry.at(key, index), f"domain '{domain}' is in both 'domains' "
                                               f"and 'bundle' of site '{name}'", "keep it in one of them"))
                elif domain not in lists[key]:
                    lists[key].append(domain)
        sites[name] = Site(name, str(entry.get("label") or name), str(category), tuple(lists["domains"]),
                           tuple(lists["bundle"]), entry.key_at())
    return sites


def build_networks(entries: dict[str, Entry], problems: list[Problem]) -> dict[str, Network]:
    networks = {}
    for name, entry in entries.items():
        cidrs = []
        for index, text in enumerate(entry.value or []):
            try:
                cidrs.append(ip_network(str(text).strip()))
            except ValueError as exc:
                hint = "write an address range such as 10.20.0.0/16"
                if "host bits set" in str(exc):
                    hint = f"did you mean '{ip_network(str(text).strip(), strict=False)}'?"
                problems.append(Problem.at(entry.at(index), f"invalid address range '{text}' in network '{name}'",
                                           hint))
        networks[name] = Network(name, tuple(cidrs), entry.key_at())
    return networks
