"""Destinations known only by an address: the `unnamed` setting, as written and as decided."""
from __future__ import annotations

from datetime import datetime

import pytest

import policy
from tests.support.rule_files import CATALOGUE, place, problems, with_header, write_rules

RULES = CATALOGUE.replace("  staff: {include: [marketing], members: [dave]}\n",
                          "  staff: {include: [marketing], members: [dave]}\n  comms: {members: [cleo]}\n") + """
rules:
  - name: forum-open
    sites: [forum]
    action: allow
  - name: comms-run-our-accounts
    who: [group:comms]
    sites: [category:social]
    action: allow
  - name: social-at-lunch
    sites: [category:social]
    when: [lunch]
    action: allow
  - name: social-budget
    who: [group:staff]
    sites: [category:social]
    action: quota
    quota: {minutes: 30}
"""
AT = datetime(2026, 11, 26, 10, 0)
URL = "https://157.240.1.35:443/"


def load(tmp_path, setting: str = "", rules: str = RULES):
    return policy.load(write_rules(tmp_path, main=with_header(rules + setting)))


def action(p, user, ip=None) -> str:
    return p.decide_unnamed(user, URL, AT, client_ip=ip).action


def test_by_default_only_people_no_rule_limits_may_open_an_address(tmp_path):
    p = load(tmp_path)
    assert action(p, "cleo") == "allow"              # comms: their always-allow rule comes before every limit
    assert action(p, "alice") == "block"             # staff: a budget
    assert action(p, "zoe") == "allow"               # no rule limits her either: outside lunch the default allows
    decision = p.decide_unnamed("alice", URL, AT)
    assert decision.host == "157.240.1.35" and decision.rule is None and decision.site is None
    assert "does not say which site it is" in decision.reason
    assert "alice is not among them, and is limited by rule social-budget → block" in decision.trace[0].why
    assert [a.site for a in decision.alternatives] == ["forum"]


def test_a_blocking_default_limits_everyone(tmp_path):
    p = load(tmp_path, "default: block\n", rules=RULES.replace("action: quota\n    quota: {minutes: 30}",
                                                              "action: allow"))
    assert action(p, "cleo") == "block" and "default: block" in p.decide_unnamed("cleo", URL, AT).trace[0].why


@pytest.mark.parametrize("setting, expected", [
    ("unnamed: block\n", {"cleo": "block", "alice": "block", None: "block"}),
    ("unnamed: allow\n", {"cleo": "allow", "alice": "allow", None: "allow"}),
    ("unnamed: {allow: [group:marketing]}\n", {"cleo": "block", "alice": "allow", "dave": "block"}),
    ("unnamed: {allow: [user:dave, unrestricted]}\n", {"cleo": "allow", "alice": "block", "dave": "allow"}),
    ("unnamed: {allow: [anonymous]}\n", {None: "allow", "cleo": "block"}),
])
def test_the_setting_names_who_may(tmp_path, setting, expected):
    p = load(tmp_path, setting)
    assert {user: action(p, user) for user in expected} == expected


def test_a_network_entry_follows_the_client_address(tmp_path):
    p = load(tmp_path, "unnamed: {allow: [network:guest-wifi]}\n")
    assert action(p, "alice", "10.20.1.2") == "allow" and action(p, "alice", "10.30.1.2") == "block"


def test_mistakes_are_reported_with_their_place_and_a_fix(tmp_path):
    folder = write_rules(tmp_path, main=with_header(RULES + "unnamed: {allow: [group:marketng, unrestrictd]}\n"))
    file = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(file, 'group:marketng')}: unknown group 'marketng' in 'unnamed.allow'; did you mean 'marketing'?",
        f"{place(file, 'unrestrictd')}: unknown entry 'unrestrictd' in 'unnamed.allow'; "
        "did you mean 'unrestricted'?"]
    (file).write_text(with_header(RULES + "unnamed: blok\n"))
    assert problems(folder) == [f"{place(file, 'blok')}: invalid value 'blok' for 'unnamed'; did you mean "
                                "'block'? (choices: unrestricted, block, allow)"]


def test_a_managers_adjustment_changes_who_is_unrestricted(tmp_path):
    from policy.changes.overrides import Adjustment
    p = load(tmp_path, rules=RULES.replace("    quota: {minutes: 30}\n",
                                           "    quota: {minutes: 30}\n    adjustable: {action: [allow, quota]}\n"))
    assert action(p, "dave") == "block"
    loosened = p.with_overrides([Adjustment("social-budget", "staff", None, "allow", None)], [])
    assert action(loosened, "dave") == "allow"       # the budget was all that limited the staff
    assert action(loosened, "cleo") == "allow" and action(p.with_overrides([], []), "dave") == "block"


def test_an_address_the_rules_name_is_decided_by_the_rules(tmp_path):
    p = load(tmp_path, "unnamed: block\n", rules=RULES.replace(
        "rules:\n", "rules:\n  - name: print-server\n    sites: [domain:10.0.5.20]\n    action: allow\n"))
    named = p.decide_unnamed("alice", "https://10.0.5.20:443/", AT)
    assert named.action == "allow" and named.rule == "print-server"
    assert action(p, "alice") == "block"


def test_check_warns_when_everyone_may_open_addresses_that_some_rule_limits(tmp_path):
    from tests.support.rule_files import warnings

    folder = write_rules(tmp_path, main=with_header(RULES + "unnamed: allow\n"))
    assert [w for w in warnings(folder) if "unnamed" in w] == [
        f"{place(folder / 'main.yaml', 'unnamed: allow')[:-2]}:10: warning: "
        "'unnamed' lets everyone open bare addresses, so without "
        "the CA people reach by address what rule 'social-budget' closes to them; use 'unnamed: unrestricted' "
        "(the default), or list who may: {allow: [group:NAME]}"]


def test_the_setting_is_given_once_for_the_whole_folder(tmp_path):
    folder = write_rules(tmp_path, main=with_header(RULES + "unnamed: block\n"), more="unnamed: allow\n")
    assert problems(folder) == [f"{place(folder / 'more.yaml', 'unnamed')}: 'unnamed' is set twice (first at "
                                f"{place(folder / 'main.yaml', 'unnamed')}); keep it in one file only"]
