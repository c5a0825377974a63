"""Groups resolve through `include` at any depth; client addresses find their networks."""
from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from policy.engine.principals import Groups, Networks
from policy.model import Network
from tests.support.policies import HERE, group

GROUPS = Groups({g.name: g for g in [
    group("staff", ["dave"], include=["marketing", "engineering"]),
    group("marketing", ["alice"], managers=["carol"], include=["interns"]),
    group("interns", ["ivan"]),
    group("engineering", ["erin", "alice"], managers=["grace", "carol"]),
]})


def test_membership_is_transitive():
    assert GROUPS.members["staff"] == {"dave", "alice", "ivan", "erin"}
    assert GROUPS.groups_of("ivan") == {"interns", "marketing", "staff"}
    assert GROUPS.groups_of("alice") == {"marketing", "engineering", "staff"}
    assert GROUPS.groups_of("nobody") == frozenset() and GROUPS.groups_of(None) == frozenset()


def test_inclusion_and_managers():
    assert GROUPS.within("interns", "staff") and GROUPS.within("staff", "staff")
    assert not GROUPS.within("staff", "interns")
    assert GROUPS.managers_of("marketing") == {"carol"} and GROUPS.managers_of("nope") == frozenset()
    assert GROUPS.groups_managed_by("carol") == {"marketing", "engineering"}


def test_cycles_and_unknown_includes_are_refused():
    with pytest.raises(ValueError, match="groups include each other in a cycle: a → b → a"):
        Groups({"a": group("a", include=["b"]), "b": group("b", include=["a"])})
    with pytest.raises(ValueError, match="group 'a' includes 'ghost', which is not a group"):
        Groups({"a": group("a", include=["ghost"])})


def test_addresses_find_their_networks():
    networks = Networks({
        "guest-wifi": Network("guest-wifi", (ip_network("10.20.0.0/16"), ip_network("fd00:20::/32")), HERE),
        "lab": Network("lab", (ip_network("10.20.5.0/24"),), HERE)})
    assert networks.of("10.20.5.9") == {"guest-wifi", "lab"}
    assert networks.of("10.20.6.1") == {"guest-wifi"}
    assert networks.of("::ffff:10.20.6.1") == {"guest-wifi"}          # dual-stack sockets
    assert networks.of(ip_address("fd00:20::1")) == {"guest-wifi"}
    assert networks.of("[fd00:20::1]") == {"guest-wifi"}
    assert networks.of("192.0.2.1") == frozenset() and networks.of(None) == frozenset()
    with pytest.raises(ValueError, match="not an IP address: 'printer'"):
        networks.of("printer")
