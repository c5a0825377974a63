"""Directory groups: nested groups followed (shortest path, cycles once, depth cut), members fill rules' groups."""
from __future__ import annotations

from datetime import datetime

import policy
from policy.changes.directory import MAX_DEPTH, Directory, DirectoryGroup, normalise_dn, valid_dn
from tests.support.rule_files import place, problems, with_header, write_rules

MARKETING = "cn=marketing,ou=groups,dc=northwind,dc=example"
INTERNS = "cn=interns,ou=groups,dc=northwind,dc=example"
AT = datetime(2026, 11, 26, 15, 0)


def snapshot(**groups: tuple) -> Directory:
    return Directory({dn: DirectoryGroup(frozenset(people), frozenset(inner))
                      for dn, (people, inner) in groups.items()})


def test_dns_compare_without_case_or_spaces_and_only_well_formed_ones_are_valid():
    assert normalise_dn("CN=Marketing, OU=Groups,DC=Northwind , dc=example") == MARKETING
    assert normalise_dn(r"cn=Smith\, John,ou=people") == r"cn=smith\, john,ou=people"
    assert valid_dn(MARKETING) and not valid_dn("marketing") and not valid_dn("cn=,dc=x") and not valid_dn("")


def test_nested_groups_give_each_person_the_shortest_path_and_cycles_end():
    directory = Directory({
        MARKETING: DirectoryGroup(frozenset({"alice"}), frozenset({INTERNS})),
        INTERNS: DirectoryGroup(frozenset({"ivan", "alice"}), frozenset({MARKETING})),   # a cycle
    })
    assert directory.people_of("CN=Marketing,OU=Groups,DC=Northwind,DC=Example") == {
        "alice": (MARKETING,), "ivan": (MARKETING, INTERNS)}
    assert directory.people_of("cn=nobody,dc=example") == {}


def test_nesting_deeper_than_the_limit_is_cut_off_and_named():
    chain = {f"cn=g{i},dc=x": ((f"p{i}",), (f"cn=g{i + 1},dc=x",)) for i in range(MAX_DEPTH + 3)}
    directory = snapshot(**chain)
    people = directory.people_of("cn=g0,dc=x")
    assert set(people) == {f"p{i}" for i in range(MAX_DEPTH + 1)}
    assert directory.too_deep("cn=g0,dc=x") == [f"cn=g{MAX_DEPTH + 1},dc=x"]


def test_a_rules_group_takes_its_directory_members_with_its_listed_and_included_ones(tmp_path):
    folder = write_rules(tmp_path, main=with_header(f"""
        categories:
          social: {{label: Social}}
        sites:
          facebook: {{category: social, domains: [facebook.com]}}
        groups:
          marketing: {{directory: "{MARKETING}", members: [bob], managers: [carol.schmitt]}}
          staff: {{include: [marketing], members: [dave]}}
        rules:
          - {{name: staff-only, who: [group:staff], sites: [facebook], action: allow}}
        default: block
        """))
    base = policy.load(folder)
    assert base.doc.groups["marketing"].directory == MARKETING
    assert base.groups_of("ivan") == frozenset()
    assert base.decide("ivan", "https://facebook.com/", AT).action == "block"   # unknown: no more access
    synced = base.with_directory(Directory({normalise_dn(MARKETING): DirectoryGroup(frozenset({"ivan"}), frozenset())}))
    assert synced.groups_of("ivan") == {"marketing", "staff"}
    assert synced.decide("ivan", "https://facebook.com/", AT).action == "allow"
    assert synced.with_overrides().groups_of("ivan") == {"marketing", "staff"}
    assert synced.version == base.version          # the rules as written did not change
    assert synced.membership_sources("ivan") == {"marketing": f"directory group {MARKETING}",
                                                 "staff": "includes marketing"}
    assert synced.membership_sources("bob")["marketing"].startswith("listed in the rules (")
    moved = synced.with_directory(Directory({MARKETING: DirectoryGroup(frozenset(), frozenset())}))
    assert moved.groups_of("ivan") == frozenset()


def test_a_directory_that_is_not_a_dn_is_an_error_with_its_place(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        groups:
          marketing: {directory: marketing}
        """))
    assert problems(folder) == [
        f"{place(folder / 'main.yaml', 'marketing}')}: 'marketing' is not a distinguished name; "
        "write the directory group's DN, e.g. cn=marketing,ou=groups,dc=example,dc=com"]
