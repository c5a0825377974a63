"""Groups of people: members, managers, included groups and a directory group, with include cycles rejected.

`include` is transitive (staff includes marketing, which includes interns); the compiler expands it.
A cycle (a includes b includes a) has no meaning, so it is an error naming the whole loop. `directory:`
names a group of the company directory by its DN; its members come from a snapshot (policy/changes/directory.py).
"""
from __future__ import annotations

from policy.changes.directory import valid_dn
from policy.loading.merge import Entry
from policy.loading.problems import Problem
from policy.loading.wording import suggest
from policy.model import Group


def build_groups(entries: dict[str, Entry], problems: list[Problem]) -> dict[str, Group]:
    groups = {}
    for name, entry in entries.items():
        include = []
        for index, other in enumerate(entry.get("include") or []):
            if other in entries:
                include.append(other)
            else:
                problems.append(Problem.at(entry.at("include", index), f"group '{name}' includes unknown group "
                                           f"'{other}'", suggest(other, entries, "define it under 'groups:'")))
        groups[name] = Group(name, frozenset(_people(entry, "members", problems)),
                             frozenset(_people(entry, "managers", problems)), tuple(include), entry.key_at(),
                             _directory(entry, problems),
                             directory_at=entry.at("directory") if entry.get("directory") is not None else None)
    problems.extend(_cycles(groups, entries))
    return groups


def _directory(entry: Entry, problems: list[Problem]) -> str | None:
    dn = entry.get("directory")
    if dn is None:
        return None
    if not valid_dn(str(dn)):
        problems.append(Problem.at(entry.at("directory"), f"'{dn}' is not a distinguished name",
                                   "write the directory group's DN, e.g. cn=marketing,ou=groups,dc=example,dc=com"))
        return None
    return str(dn).strip()


def _people(entry: Entry, key: str, problems: list[Problem]) -> list[str]:
    people = []
    for index, user in enumerate(entry.get(key) or []):
        user = str(user).strip()
        if not user or any(c.isspace() for c in user):
            problems.append(Problem.at(entry.at(key, index), f"invalid user name '{user}' in '{key}'",
                                       "write the user name as people log in, without spaces"))
        else:
            people.append(user.removeprefix("user:"))
    return people


def _cycles(groups: dict[str, Group], entries: dict[str, Entry]) -> list[Problem]:
    """One problem per include cycle, at the group of the loop that comes first in the files."""
    order = {name: i for i, name in enumerate(groups)}
    explored: set[str] = set()
    problems = []
    for root in groups:
        if root in explored:
            continue
        path, stack = [root], [iter(groups[root].include)]   # depth-first, without recursion limits
        while stack:
            other = next(stack[-1], None)
            if other is None:
                explored.add(path.pop())
                stack.pop()
            elif other in path:
                loop = path[path.index(other):]
                first = loop.index(min(loop, key=order.__getitem__))
                shown = loop[first:] + loop[:first] + [loop[first]]
                problems.append(Problem.at(entries[shown[0]].key_at(), "group include cycle: " + " → ".join(shown),
                                           "remove one of these includes"))
            elif other not in explored:
                path.append(other)
                stack.append(iter(groups[other].include))
    return problems
