"""Who is asking: users and their groups (through transitive `include`), and client networks.

Everything is resolved once, at compile time, so a request only looks names up: a user's groups are
a precomputed set, and a client address is matched against the networks' CIDRs once and remembered.
"""
from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address, IPv6Address, ip_address

from policy.model import Group, Network


class Groups:
    def __init__(self, groups: Mapping[str, Group]) -> None:
        self._groups = groups
        self.members = {name: self._closure(name, ()) for name in groups}
        self.included = {name: self._included(name, ()) for name in groups}
        self.of_user: dict[str, frozenset[str]] = {}
        for name, members in self.members.items():
            for user in members:
                self.of_user[user] = self.of_user.get(user, frozenset()) | {name}

    def groups_of(self, user: str | None) -> frozenset[str]:
        """Every group `user` belongs to, directly or through `include`."""
        return self.of_user.get(user, frozenset()) if user is not None else frozenset()

    def managers_of(self, group: str) -> frozenset[str]:
        found = self._groups.get(group)
        return found.managers if found else frozenset()

    def groups_managed_by(self, user: str) -> frozenset[str]:
        return frozenset(name for name, group in self._groups.items() if user in group.managers)

    def within(self, group: str, outer: str) -> bool:
        """True when `group` is `outer` or is included in it, at any depth."""
        return group == outer or group in self.included.get(outer, ())

    def _closure(self, name: str, path: tuple[str, ...]) -> frozenset[str]:
        group = self._check(name, path)
        members = set(group.members) | group.directory_members
        for inner in group.include:
            members |= self._closure(inner, path + (name,))
        return frozenset(members)

    def _included(self, name: str, path: tuple[str, ...]) -> frozenset[str]:
        group = self._check(name, path)
        found: set[str] = set()
        for inner in group.include:
            found |= {inner} | self._included(inner, path + (name,))
        return frozenset(found)

    def _check(self, name: str, path: tuple[str, ...]) -> Group:
        if name in path:
            cycle = " → ".join(path[path.index(name):] + (name,))
            raise ValueError(f"groups include each other in a cycle: {cycle}")
        if name not in self._groups:
            raise ValueError(f"group {path[-1]!r} includes {name!r}, which is not a group")
        return self._groups[name]


class Networks:
    """Which named networks a client address is in; answers are remembered per address."""

    def __init__(self, networks: Mapping[str, Network]) -> None:
        self._cidrs = [(name, cidr) for name, network in networks.items() for cidr in network.cidrs]
        self._seen: dict[str, frozenset[str]] = {}

    def of(self, client_ip: str | IPv4Address | IPv6Address | None) -> frozenset[str]:
        if client_ip is None or not self._cidrs:
            return frozenset()
        key = str(client_ip)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) > 65536:
                self._seen.clear()
            found = self._seen[key] = self._lookup(key)
        return found

    def _lookup(self, text: str) -> frozenset[str]:
        try:
            address = ip_address(text.strip("[]"))
        except ValueError:
            raise ValueError(f"not an IP address: {text!r}") from None
        if isinstance(address, IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped   # dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d
        return frozenset(name for name, cidr in self._cidrs
                         if cidr.version == address.version and address in cidr)
