"""Reading a real OpenLDAP: nested groups, and bad data left out with clear log lines."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from policy.changes.directory import normalise_dn
from storage.directory.reader import read_directory
from storage.directory.settings import from_environ
from tests.support.slapd import GROUPS, PEOPLE, SUFFIX, group_dn, group_ldif, person_ldif

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def test_groups_with_people_by_their_log_in_name_and_nested_groups(slapd):
    directory = read_directory(from_environ(slapd.env()), NOW)
    staff = directory.people_of(group_dn("staff"))
    assert set(staff) == {"katrin.vogel", "alice.krueger", "bob.hartmann", "nora.lange", "ivan.horvat",
                          "emma.schulz", "tobias.wagner", "noah.fischer"}
    path = ("staff", "marketing", "marketing-interns")
    assert staff["ivan.horvat"] == tuple(normalise_dn(group_dn(cn)) for cn in path)


def test_names_can_come_from_mail(slapd):
    directory = read_directory(from_environ(slapd.env(USER_ATTRIBUTE="mail")), NOW)
    assert set(directory.people_of(group_dn("sales"))) == {
        "emma.schulz@northwind.example", "tobias.wagner@northwind.example", "noah.fischer@northwind.example"}


def test_cycles_strangers_odd_names_and_case_twins_are_handled_and_logged(slapd, caplog):
    contractors = f"ou=contractors,{PEOPLE}"
    slapd.load(f"dn: {contractors}\nobjectClass: organizationalUnit\nou: contractors\n\n"
               f"dn: uid=Anna.Weber,{contractors}\nobjectClass: inetOrgPerson\nuid: Anna.Weber\ncn: A\nsn: W\n\n"
               f"dn: cn=printer,{SUFFIX}\nobjectClass: device\ncn: printer\n\n"
               + person_ldif("anna.weber") + person_ldif("zoë.weiß", mail="zoe@northwind.example")
               + f"dn: uid=has space,{PEOPLE}\nobjectClass: inetOrgPerson\nuid: has space\ncn: H\nsn: S\n\n"
               + group_ldif("loop-a", ["anna.weber", "zoë.weiß"], ["loop-b"],
                            [f"cn=printer,{SUFFIX}", f"uid=has space,{PEOPLE}", f"uid=Anna.Weber,{contractors}"])
               + group_ldif("loop-b", ["bob.hartmann"], ["loop-a"]))
    with caplog.at_level(logging.WARNING, logger="watercooler.directory"):
        directory = read_directory(from_environ(slapd.env()), NOW)
    assert set(directory.people_of(group_dn("loop-b"))) == {"bob.hartmann", "zoë.weiß"}
    lines = [record.getMessage() for record in caplog.records]
    assert any("1 group member(s) are neither a person" in line and "cn=printer" in line for line in lines), lines
    assert any("have no usable uid" in line and "has space" in line for line in lines), lines
    assert any("more than one entry apart from case" in line and "'Anna.Weber'" in line for line in lines), lines
    assert any("1 group(s) contain themselves through nested groups (followed once): 'cn=loop-a" in line
               for line in lines), lines


def test_a_group_of_ten_thousand_people(slapd):
    uids = [f"person{i:05d}" for i in range(10_000)]
    slapd.load("".join(person_ldif(uid) for uid in uids) + group_ldif("everyone", uids, ["sales"]))
    directory = read_directory(from_environ(slapd.env()), NOW)
    assert len(directory.people_of(group_dn("everyone"))) == 10_003
    assert directory.knows(f"CN=Everyone, {GROUPS}")
