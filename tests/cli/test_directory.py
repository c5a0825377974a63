"""`watercooler directory sync|status` against a real slapd: one-line answers, a stopped directory says so."""
from __future__ import annotations

from tests.support.cli_run import watercooler


def test_sync_then_status_then_a_stopped_directory(slapd, tmp_path):
    env = slapd.env() | {"WATERCOOLER_DB": f"sqlite:///{tmp_path / 'wc.db'}"}
    synced = watercooler("directory", "sync", env=env)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout == f"5 group(s) and 8 person(s) read from {slapd.url}.\n"
    status = watercooler("directory", "status", env=env)
    assert status.returncode == 0 and status.stdout.startswith("Snapshot in use: 5 group(s), 8 person(s), read ")
    slapd.stop()
    failed = watercooler("directory", "sync", env=env)
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"watercooler directory sync: cannot reach the directory at {slapd.url}")
    assert failed.stderr.rstrip().endswith("the last snapshot stays in use")
    status = watercooler("directory", "status", env=env)
    assert status.returncode == 1 and "Snapshot in use: 5 group(s)" in status.stdout
    assert "failed: cannot reach the directory" in status.stdout


def test_without_settings_it_says_what_to_set(tmp_path):
    result = watercooler("directory", "sync", env={"WATERCOOLER_DB": f"sqlite:///{tmp_path / 'wc.db'}"})
    assert result.returncode == 2 and "set WATERCOOLER_DIRECTORY_URL" in result.stderr
    bad = watercooler("directory", "sync", env={"WATERCOOLER_DIRECTORY_URL": "ldap://x"})
    assert bad.returncode == 2 and "WATERCOOLER_DIRECTORY_GROUP_BASE is not set" in bad.stderr


RULES = """version: 1
timezone: Europe/Berlin
categories:
  social: {label: Social}
sites:
  facebook: {category: social, domains: [facebook.com]}
groups:
  marketing:
    directory: "cn=marketng,ou=groups,dc=northwind,dc=example"
  staff: {include: [marketing], members: [carol]}
rules:
  - {name: staff-facebook, who: [group:staff], sites: [facebook], action: allow}
default: block
"""


def write(tmp_path, text: str):
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "main.yaml").write_text(text, encoding="utf-8")
    return folder


def test_check_finds_an_unknown_directory_group_with_its_place_and_the_closest_one(slapd, tmp_path):
    folder = write(tmp_path, RULES)
    result = watercooler("check", str(folder), env=slapd.env() | {"WATERCOOLER_DATA": str(tmp_path / "data")})
    assert result.returncode == 1
    assert f"{folder / 'main.yaml'}:9:16: group 'marketing': the directory has no group " \
           "'cn=marketng,ou=groups,dc=northwind,dc=example'; did you mean " \
           "'cn=marketing,ou=groups,dc=northwind,dc=example'?" in result.stdout
    fixed = write(tmp_path, RULES.replace("marketng", "Marketing"))
    again = watercooler("check", str(fixed), env=slapd.env() | {"WATERCOOLER_DATA": str(tmp_path / "data")})
    assert again.returncode == 0


def test_check_says_plainly_when_it_could_not_ask(slapd, tmp_path):
    folder = write(tmp_path, RULES)
    env = {"WATERCOOLER_DATA": str(tmp_path / "data"), "WATERCOOLER_DIRECTORY_URL": ""}
    unset = watercooler("check", str(folder), env=env)
    assert unset.returncode == 0 and "directory groups not checked: no directory is configured" in unset.stdout
    slapd.stop()
    down = watercooler("check", str(folder), env=slapd.env() | {"WATERCOOLER_DATA": str(tmp_path / "data")})
    assert down.returncode == 0
    assert f"directory groups not checked: cannot reach the directory at {slapd.url}" in down.stdout


def test_explain_shows_where_each_group_membership_comes_from(slapd, tmp_path):
    folder = write(tmp_path, RULES.replace("marketng", "marketing"))
    url = f"sqlite:///{tmp_path / 'wc.db'}"
    ask = ("explain", str(folder), "--db", url, "--url", "https://facebook.com/", "--at", "2026-11-26T15:00")
    assert watercooler("directory", "sync", "--db", url, env=slapd.env()).returncode == 0
    ivan = watercooler(*ask, "--user", "ivan.horvat", env=slapd.env())
    assert ivan.returncode == 0 and ivan.stdout.startswith("ALLOWED")
    assert ("Groups       marketing: directory group cn=marketing,ou=groups,dc=northwind,dc=example →\n"
            "               cn=marketing-interns,ou=groups,dc=northwind,dc=example; staff: includes marketing") \
        in ivan.stdout
    carol = " ".join(watercooler(*ask, "--user", "carol", env=slapd.env()).stdout.split())
    assert f"Groups staff: listed in the rules ({folder / 'main.yaml'}:10:3)" in carol
    rules_only = watercooler(*ask, "--user", "ivan.horvat", "--rules-only")
    assert rules_only.stdout.startswith("BLOCKED") and "Groups       none (no directory snapshot" in rules_only.stdout
