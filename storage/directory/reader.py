"""Read the directory's groups into a snapshot: direct members, people by their log-in name.

Two paged searches: every group under the group base (with its member attribute) and every person
under the people base (with the log-in attribute); members are then sorted out in memory. What cannot
be used is left out with a log line that says what and how many: members that are neither a person nor
a group (computers, entries outside the bases, dangling DNs), people without a usable name (empty,
spaces, control characters) and names that two entries share apart from case (the policy could not
tell them apart, so neither gets a directory membership).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from policy.changes.directory import Directory, DirectoryGroup, normalise_dn
from storage.directory.ldap import bound, search
from storage.directory.settings import DirectorySettings

logger = logging.getLogger("watercooler.directory")
SHOWN = 3   # examples per log line; the rest are counted


def read_directory(settings: DirectorySettings, at: datetime) -> Directory:
    """The directory's groups as of now; DirectoryError when it cannot be read completely."""
    with bound(settings) as connection:
        raw_groups = {normalise_dn(dn): attributes.get(settings.member_attribute, [])
                      for dn, attributes in search(connection, settings, settings.group_base, settings.group_filter,
                                                   [settings.member_attribute])}
        names = _people(search(connection, settings, settings.user_base, f"({settings.user_attribute}=*)",
                               [settings.user_attribute]), settings.user_attribute)
    groups, strangers = {}, []
    for dn, members in raw_groups.items():
        people, inner = set(), set()
        for member in _values(members):
            key = normalise_dn(member)
            if key in raw_groups:
                inner.add(key)
            elif key in names:
                people.add(names[key])
            elif key not in names.left_out:   # already logged as people without a usable name
                strangers.append(member)
        groups[dn] = DirectoryGroup(frozenset(people), frozenset(inner))
    loops = _cycles(groups)
    if loops:
        logger.warning("directory: %d group(s) contain themselves through nested groups (followed once): %s",
                       len(loops), _some([" → ".join(loop) for loop in loops]))
    if strangers:
        logger.warning("directory: %d group member(s) are neither a person under %s nor a group under %s, "
                       "left out: %s", len(strangers), settings.user_base, settings.group_base, _some(strangers))
    return Directory(groups, at)


def _cycles(groups: dict[str, DirectoryGroup]) -> list[list[str]]:
    """One loop of nested groups per cycle found (depth-first, without recursion limits)."""
    loops, done = [], set()
    for root in sorted(groups):
        if root in done:
            continue
        path, stack = [root], [iter(sorted(groups[root].groups))]
        while stack:
            inner = next(stack[-1], None)
            if inner is None:
                done.add(path.pop())
                stack.pop()
            elif inner in path:
                loops.append(path[path.index(inner):] + [inner])
            elif inner not in done and inner in groups:
                path.append(inner)
                stack.append(iter(sorted(groups[inner].groups)))
    return loops


class _Names(dict[str, str]):
    ambiguous: set[str]     # DNs of people whose name another entry has too, apart from case
    left_out: set[str]      # those and the DNs of people without a usable name


def _people(entries: Iterable[tuple[str, dict[str, Any]]], attribute: str) -> _Names:
    """Normalised person DN → log-in name, without unusable or case-ambiguous names."""
    found: dict[str, str] = {}
    unusable: list[str] = []
    for dn, attributes in entries:
        values = _values(attributes.get(attribute, []))
        name = values[0].strip() if values else ""
        if not name or any(c.isspace() or not c.isprintable() for c in name):
            unusable.append(dn)
        else:
            found[normalise_dn(dn)] = name
    by_fold: dict[str, list[str]] = {}
    for dn, name in found.items():
        by_fold.setdefault(name.casefold(), []).append(dn)
    names = _Names()
    names.ambiguous = {dn for dns in by_fold.values() if len(dns) > 1 for dn in dns}
    names.left_out = names.ambiguous | {normalise_dn(dn) for dn in unusable}
    names.update((dn, name) for dn, name in found.items() if dn not in names.ambiguous)
    if unusable:
        logger.warning("directory: %d person entr(ies) have no usable %s (empty, spaces or control characters), "
                       "left out: %s", len(unusable), attribute, _some(unusable))
    if names.ambiguous:
        clashes = sorted({found[dn] for dn in names.ambiguous}, key=str.casefold)
        logger.warning("directory: %d %s value(s) belong to more than one entry apart from case; none of those "
                       "people gets a directory membership: %s", len(clashes), attribute, _some(clashes))
    return names


def _values(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _some(items: list[str]) -> str:
    shown = ", ".join(repr(item) for item in items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")
