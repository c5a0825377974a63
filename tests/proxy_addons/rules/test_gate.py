"""The gate: new rules that lost what the last good policy had are refused, measured against the policy
in force or, at start, the last-good manifest."""
from __future__ import annotations

import logging

import pytest

import policy
from policy.loading.manifest import manifest_path, recorded
from policy.loading.problems import PolicyError
from proxy_addons.rules.gate import load_checked, record_good
from tests.support.proxy_env import TEST_RULES, write_rules

LAST_RULE = "  - name: reddit-budget"


def test_a_policy_that_lost_a_rule_is_refused_against_the_one_in_force(tmp_path):
    folder = write_rules(tmp_path / "rules")
    in_force = policy.load(folder)
    write_rules(folder, TEST_RULES.split(LAST_RULE)[0] + "default: allow\n")
    with pytest.raises(PolicyError, match="lost 1 entry that the policy in force has: rule:reddit-budget"):
        load_checked(policy.load, str(folder), in_force, None)
    base, confirmed = load_checked(policy.load, str(folder), None, None)     # nothing to compare with
    assert confirmed == [] and "reddit-budget" not in [rule.name for rule in base.doc.rules]


def test_at_start_the_manifest_is_the_last_good_policy_and_confirmations_are_logged(tmp_path, caplog):
    folder, manifest = write_rules(tmp_path / "rules"), manifest_path(tmp_path / "confdir")
    record_good(str(folder), policy.load(folder), [], manifest)
    assert "reddit-budget" in recorded(manifest, folder)["rule"]
    write_rules(folder, TEST_RULES.split(LAST_RULE)[0] + "default: allow\n")
    with pytest.raises(PolicyError, match="rule:reddit-budget"):
        load_checked(policy.load, str(folder), None, manifest)
    write_rules(folder, "confirm-removal: [rule:reddit-budget]\n" + TEST_RULES.split(LAST_RULE)[0] + "default: allow\n")
    base, confirmed = load_checked(policy.load, str(folder), None, manifest)
    assert confirmed == ["rule:reddit-budget"]
    with caplog.at_level(logging.WARNING, logger="watercooler.rules"):
        record_good(str(folder), base, confirmed, manifest)
    assert f"removal of rule:reddit-budget accepted (confirm-removal at {folder / 'policy.yaml'}:1:1)" in caplog.text
    assert "reddit-budget" not in recorded(manifest, folder)["rule"]


def test_a_policy_without_any_rules_key_is_refused(tmp_path):
    folder = write_rules(tmp_path / "rules", TEST_RULES.split("rules:\n")[0])
    with pytest.raises(PolicyError, match="no file has a 'rules:' list"):
        load_checked(policy.load, str(folder), None, None)
