"""`watercooler publish`: a checked working copy is put in place by rename; a bad one changes nothing."""
from __future__ import annotations

import pytest

from tests.support.cli_run import watercooler
from tests.support.net import poll
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import FACEBOOK_ALLOWED, start_env
from tests.support.rule_files import HEADER, write_rules

SITE = "categories: {c: {}}\nsites: {s: {category: c, domains: [s.example]}}\n"
RULES = "rules:\n  - {name: block-s, sites: [s], action: block}\n  - {name: allow-s, sites: [s], action: allow}\n"


def snapshot(folder):
    return {p.name: p.read_text() for p in folder.iterdir()}


def test_a_checked_copy_replaces_the_live_files_and_drops_the_ones_it_no_longer_has(tmp_path):
    live = write_rules(tmp_path / "live", catalogue=HEADER + SITE, rules=RULES, old="# nothing\n")
    work = write_rules(tmp_path / "work", catalogue=HEADER + SITE,
                       rules="confirm-removal: [file:old.yaml]\n" + RULES + "default: block\n")
    result = watercooler("publish", str(work), "--to", str(live))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"published 2 file(s) from {work} to {live}, removed old.yaml; a running proxy "
                             "applies them within about three seconds\n")
    assert snapshot(live) == snapshot(work)          # no staged dot-file left behind


@pytest.mark.parametrize("change, expected", [
    ("broken", ":2:1: YAML syntax error"),
    ("lost", "lost 1 entry that the policy in force has: rule:allow-s"),
])
def test_a_copy_with_errors_or_losses_publishes_nothing(tmp_path, change, expected):
    live = write_rules(tmp_path / "live", catalogue=HEADER + SITE, rules=RULES)
    before = snapshot(live)
    text = "rules: [\n" if change == "broken" else RULES.split("  - {name: allow-s")[0]
    work = write_rules(tmp_path / "work", catalogue=HEADER + SITE, rules=text)
    result = watercooler("publish", str(work), "--to", str(live))
    assert result.returncode == 1
    assert f"{work / 'rules.yaml'}" in result.stderr and expected in result.stderr
    assert result.stderr.splitlines()[-1] == f"watercooler publish: nothing published; {live} is unchanged"
    assert snapshot(live) == before
    if change == "lost":                              # confirmed, it goes through
        (work / "rules.yaml").write_text("confirm-removal: [rule:allow-s]\n" + text)
        assert watercooler("publish", str(work), "--to", str(live)).returncode == 0


def test_the_live_folder_itself_is_refused(tmp_path):
    live = write_rules(tmp_path / "live", main=HEADER + SITE + RULES)
    result = watercooler("publish", str(live), "--to", str(live))
    assert result.returncode == 2
    assert result.stderr == f"watercooler publish: {live} is the live folder itself; edit a copy and publish that\n"


@pytest.mark.e2e
def test_a_running_proxy_applies_a_published_copy(tmp_path):
    env = start_env(tmp_path / "proxy")
    try:
        def status() -> int:
            return http_via_proxy(env.port, b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\n"
                                            b"Connection: close\r\n\r\n").status
        assert status() == 403
        work = write_rules(tmp_path / "work", policy=FACEBOOK_ALLOWED)
        assert watercooler("publish", str(work), "--to", str(env.rules)).returncode == 0
        poll(lambda: status() == 200, timeout=8, interval=0.2, what="the published rules to be enforced")
    finally:
        env.stop()


@pytest.mark.e2e
def test_a_copy_is_checked_against_what_the_proxy_enforces_when_a_live_file_was_deleted(tmp_path):
    from tests.support.proxy_env import TEST_RULES
    catalogue, rules_part = TEST_RULES.split("rules:\n", 1)
    live = write_rules(tmp_path / "proxy" / "rules", rules="rules:\n" + rules_part)
    env = start_env(tmp_path / "proxy", rules=catalogue)
    try:
        offset = len(env.proxy.log())
        (live / "rules.yaml").unlink()                  # by accident: the proxy keeps its last good policy
        env.proxy.wait_for_log(f"{live / 'rules.yaml'}: is gone", after=offset)
        without_reddit = "rules:\n" + rules_part.split("  - name: reddit-budget")[0] + "default: allow\n"
        work = write_rules(tmp_path / "work", policy=catalogue, rules=without_reddit)
        refused = watercooler("publish", str(work), "--to", str(live), "--confdir", str(env.proxy.confdir))
        assert refused.returncode == 1
        assert f"{work / 'rules.yaml'}: lost 1 entry that the policy in force has: rule:reddit-budget" in refused.stderr
        assert refused.stderr.splitlines()[-1] == f"watercooler publish: nothing published; {live} is unchanged"
        assert not (live / "rules.yaml").exists()

        (work / "rules.yaml").write_text("rules:\n" + rules_part)
        offset = len(env.proxy.log())
        assert watercooler("publish", str(work), "--to", str(live), "--confdir", str(env.proxy.confdir)).returncode == 0
        env.proxy.wait_for_log("rules reloaded from", after=offset)
        assert "keeping the last good policy" not in env.proxy.log()[offset:]
    finally:
        env.stop()
