"""The whole policy: required settings, the zone, and every problem of every kind in one report."""
from __future__ import annotations

from tests.support.cli_run import RULES
from tests.support.rule_files import loaded, place, problems, write_rules


def test_version_and_timezone_are_required(tmp_path):
    folder = write_rules(tmp_path, main="rules: []\n")
    assert problems(folder) == [f"{folder}: no file sets 'timezone'; add 'timezone: Europe/Berlin' to one of the files",
                                f"{folder}: no file sets 'version'; add 'version: 1' to one of the files"]


def test_invalid_zones_in_place(tmp_path):
    for zone, fix in (("CEST", "'CEST' is an abbreviation, not a time zone (it changes with daylight saving time); "
                               "use an IANA zone name such as Europe/Berlin"),
                      ('"+02:00"', "'+02:00' is a UTC offset, not a time zone (it ignores daylight saving time); "
                                   "use an IANA zone name such as Europe/Berlin")):
        folder = write_rules(tmp_path / zone.strip('"+:'), main=f"version: 1\ntimezone: {zone}\n")
        assert problems(folder) == [f"{folder / 'main.yaml'}:2:11: {fix}"]


def test_default_is_allow_unless_given(tmp_path):
    folder = write_rules(tmp_path, main="version: 1\ntimezone: Europe/Berlin\n")
    doc = loaded(folder)
    assert (doc.version, doc.timezone, doc.default, doc.rules, dict(doc.sites)) == (1, "Europe/Berlin", "allow", (), {})


def test_problems_of_every_part_are_reported_together(tmp_path):
    folder = write_rules(tmp_path, main="""version: 1
timezone: Europe/Berln
categories: {c: {}}
sites: {s: {category: d}}
groups: {g: {include: [g]}}
schedules: {t: [{days: funday}]}
rules: [{name: r, sites: [s], when: [u], action: allow}]
""")
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, 'Europe/Berln')}: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?",
        f"{place(main, 'd}')}: site 's' names unknown category 'd'; define it under 'categories:'",
        f"{place(main, 'g: ')}: group include cycle: g → g; remove one of these includes",
        f"{place(main, 'funday')}: unknown day 'funday' in window 1 of schedule 't'; did you mean 'sunday'?",
        f"{place(main, 'u]')}: unknown schedule 'u' in rule 'r'; define it under 'schedules:'"]


def test_the_sample_policy_loads():
    doc = loaded(RULES)
    assert doc.timezone == "Europe/Berlin" and doc.rules and doc.sites
    assert all(site.domains for site in doc.sites.values())
