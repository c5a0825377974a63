"""Groups defined by the company directory: its memberships come in as data and fill the rules' groups.

A directory snapshot holds, for every directory group, its direct members: people (by the name they
log in with) and nested groups (by DN). A rules group with `directory: DN` gets every person reached
from that DN through nested groups, breadth first, so each person keeps the shortest path that made
them a member; a cycle is followed once, and nesting deeper than MAX_DEPTH is cut off and noted.
Nothing here reads the directory: the sync (directory/) does, and stores snapshots in the database.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from policy.loading.problems import Problem
from policy.loading.wording import closest
from policy.model import PolicyDoc

MAX_DEPTH = 10
_SEPARATOR = re.compile(r"(?<!\\),")


def normalise_dn(dn: str) -> str:
    """A DN as compared: lowercase, no spaces around its separators (`CN=A, OU=B` → `cn=a,ou=b`)."""
    parts = []
    for rdn in _SEPARATOR.split(dn.strip()):
        kind, equals, value = rdn.partition("=")
        parts.append(f"{kind.strip().lower()}{equals}{value.strip().lower()}")
    return ",".join(parts)


def valid_dn(dn: str) -> bool:
    """Every part of the DN is `attribute=value`, with a value."""
    parts = _SEPARATOR.split(dn.strip())
    return bool(dn.strip()) and all(re.fullmatch(r"\s*[A-Za-z][\w.-]*\s*=\s*\S.*", part) for part in parts)


@dataclass(frozen=True)
class DirectoryGroup:
    people: frozenset[str]
    groups: frozenset[str]     # nested groups, normalised DNs


@dataclass(frozen=True)
class Directory:
    """One snapshot of the directory's groups (keys: normalised DNs), and when it was read."""
    groups: Mapping[str, DirectoryGroup]
    taken_at: datetime | None = None
    version: str = ""          # which snapshot this is (the database's id), so caches can tell them apart
    _resolved: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict, compare=False, repr=False)

    def knows(self, dn: str) -> bool:
        return normalise_dn(dn) in self.groups

    def people_of(self, dn: str) -> dict[str, tuple[str, ...]]:
        """Everyone in the group `dn` at any depth, each with the DNs that lead to them (`dn` first)."""
        start = normalise_dn(dn)
        found = self._resolved.get(start)
        if found is None:
            found = self._resolved[start] = self._walk(start)[0]
        return found

    def too_deep(self, dn: str) -> list[str]:
        """Nested groups of `dn` left out because they lie deeper than MAX_DEPTH."""
        return self._walk(normalise_dn(dn))[1]

    def _walk(self, start: str) -> tuple[dict[str, tuple[str, ...]], list[str]]:
        people: dict[str, tuple[str, ...]] = {}
        seen: set[str] = {start}
        level: list[tuple[str, tuple[str, ...]]] = [(start, (start,))]
        cut: list[str] = []
        for depth in range(MAX_DEPTH + 1):
            following: list[tuple[str, tuple[str, ...]]] = []
            for dn, path in level:
                group = self.groups.get(dn)
                if group is None:
                    continue
                for person in sorted(group.people):
                    people.setdefault(person, path)
                for inner in sorted(group.groups - seen):   # a cycle leads back to a group already seen
                    seen.add(inner)
                    following.append((inner, path + (inner,)))
            if depth == MAX_DEPTH:
                cut = [dn for dn, _ in following]
            level = following
        return people, cut


def with_directory(doc: PolicyDoc, directory: Directory | None) -> PolicyDoc:
    """`doc` with each directory-defined group's members from `directory` (none when it is None)."""
    groups = {}
    for name, group in doc.groups.items():
        if group.directory is not None:
            found = frozenset(directory.people_of(group.directory)) if directory is not None else frozenset()
            group = dataclasses.replace(group, directory_members=found)
        groups[name] = group
    return dataclasses.replace(doc, groups=groups)


def check_references(doc: PolicyDoc, directory: Directory) -> list[Problem]:
    """An error for each `directory:` DN that `directory` does not have, with the closest DN it has."""
    problems = []
    for name, group in doc.groups.items():
        if group.directory is None or directory.knows(group.directory):
            continue
        near = closest(normalise_dn(group.directory), directory.groups)
        fix = f"did you mean '{near}'?" if near else "write the DN of a group under the directory's group base"
        problems.append(Problem.at(group.directory_at or group.source,
                                   f"group '{name}': the directory has no group '{group.directory}'", fix))
    return problems


def membership_sources(doc: PolicyDoc, directory: Directory | None, user: str) -> dict[str, str]:
    """For each group `user` is in: where that came from, in words (listed, directory, or an include)."""
    sources: dict[str, str] = {}
    for name, group in doc.groups.items():
        if user in group.members:
            sources[name] = f"listed in the rules ({group.source})"
        elif group.directory is not None and directory is not None:
            path = directory.people_of(group.directory).get(user)
            if path is not None:
                sources[name] = "directory group " + " → ".join(path)
    for name in doc.groups:   # groups that include one of those, at any depth
        if name not in sources and _includes_any(doc, name, set(sources)):
            inner = sorted(set(sources) & _included(doc, name))
            sources[name] = "includes " + ", ".join(inner)
    return sources


def _included(doc: PolicyDoc, name: str) -> set[str]:
    found, stack = set(), list(doc.groups[name].include)
    while stack:
        inner = stack.pop()
        if inner not in found and inner in doc.groups:
            found.add(inner)
            stack.extend(doc.groups[inner].include)
    return found


def _includes_any(doc: PolicyDoc, name: str, groups: set[str]) -> bool:
    return bool(_included(doc, name) & groups)
