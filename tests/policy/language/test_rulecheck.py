"""Rules as the model holds them, unique names, and each action's settings checked."""
from __future__ import annotations

from policy.model import Adjustable, GrantBound, Quota
from tests.support.rule_files import CATALOGUE, loaded, place, problems, with_header, write_rules


def policy_with(tmp_path, rules: str):
    return write_rules(tmp_path, main=with_header(CATALOGUE + rules))


def test_rules_as_written(tmp_path):
    folder = policy_with(tmp_path, """
rules:
  - name: budget
    who: [group:staff, user:erin, network:guest-wifi, anonymous]
    sites: [facebook, category:social, domain:Vimeo.COM.]
    when: [lunch]
    except: [lunch]
    action: quota
    quota: {minutes: 30}
    adjustable: {minutes: {min: 0, max: 90}, action: [quota, block, quota], when: [lunch]}
    message: "  Thirty minutes a day.  "
  - {name: nudge, sites: [linkedin], action: warn}
  - {name: ro, who: [everyone], sites: [linkedin], action: read-only}
""")
    budget, nudge, read_only = loaded(folder).rules
    assert budget.who == ("group:staff", "user:erin", "network:guest-wifi", "anonymous")
    assert budget.sites == ("facebook", "category:social", "domain:vimeo.com")
    assert (budget.when, budget.except_, budget.action) == (("lunch",), ("lunch",), "quota")
    assert budget.quota == Quota(30, "day") and budget.remember is None
    assert budget.adjustable == Adjustable((0, 90), ("quota", "block"), ("lunch",))
    assert budget.message == "Thirty minutes a day."
    assert budget.source.line == CATALOGUE.count("\n") + 5
    assert (nudge.remember, nudge.who, nudge.message, nudge.adjustable) == (60, (), None, None)
    assert read_only.who == ("everyone",)


def test_action_settings(tmp_path):
    folder = policy_with(tmp_path, """
rules:
  - {name: q, sites: [facebook], action: quota}
  - {name: a, sites: [facebook], action: allow, quota: {minutes: 10}, warn: {remember: 5}}
  - {name: big, sites: [facebook], action: quota, quota: {minutes: 2000}}
  - {name: adj, sites: [facebook], action: quota, quota: {minutes: 30}, adjustable: {minutes: {min: 50, max: 10}}}
  - {name: out, sites: [facebook], action: quota, quota: {minutes: 30}, adjustable: {minutes: {min: 40, max: 90}}}
  - {name: nq, sites: [facebook], action: block, adjustable: {minutes: {min: 0, max: 9}, action: [quota], when: [x]}}
""")
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, 'quota}')}: action quota without 'quota' in rule 'q'; add 'quota: {{minutes: 30, per: day}}'",
        f"{place(main, '{minutes: 10')}: 'quota' set but the action is allow in rule 'a'; "
        "remove 'quota', or use 'action: quota'",
        f"{place(main, '{remember')}: 'warn' set but the action is allow in rule 'a'; "
        "remove 'warn', or use 'action: warn'",
        f"{place(main, '{minutes: 2000')}: 2000 minutes a day in rule 'big'; a day has 1440 minutes; use 'per: week'",
        f"{place(main, '{min: 50')}: adjustable minutes min 50 is above max 10 in rule 'adj'; swap them",
        f"{place(main, '{min: 40')}: quota of 30 minutes lies outside the adjustable 40-90 in rule 'out'; "
        "widen the bounds or change the quota",
        f"{place(main, '{min: 0')}: adjustable minutes without a quota in rule 'nq'; "
        "remove 'minutes', or give the rule a quota",
        f"{place(main, '[quota]')}: 'quota' is an adjustable action but the rule has no quota in rule 'nq'; "
        "give the rule 'quota: {minutes: N}' so managers have a limit to start from",
        f"{place(main, 'x]')}: unknown schedule 'x' in 'adjustable.when' in rule 'nq'; define it under 'schedules:'"]


def test_grant_bounds_as_written_and_their_mistakes(tmp_path):
    folder = policy_with(tmp_path, """
rules:
  - {name: ok, who: [group:staff], sites: [facebook], action: block, adjustable: {grant: {max: 3d, to: [marketing]}}}
  - {name: long, who: [group:staff], sites: [facebook], action: block, adjustable: {grant: {max: 31d, to: [sales]}}}
  - {name: open, sites: [facebook], action: allow, adjustable: {grant: {max: 8h}}}
  - {name: place, who: [network:guest-wifi], sites: [facebook], action: block, adjustable: {grant: {max: 8h}}}
""")
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, '31d')}: a grant of 31d is longer than 30 days in rule 'long'; "
        "write 30d or less (a longer need belongs in the rules themselves)",
        f"{place(main, 'sales')}: unknown group 'sales' in 'adjustable.grant.to' in rule 'long'; "
        "define it under 'groups:'",
        f"{place(main, '{max: 8h}')}: a grant on an allow rule opens nothing in rule 'open'; "
        "remove 'grant', or put it on the rule that limits the site",
        f"{place(main, '{max: 8h}', 2)}: a grant is for a person, but this rule applies only to networks or "
        "anonymous people in rule 'place'; remove 'grant', or put it on a rule for groups or users"]
    ok = policy_with(tmp_path / "ok", """
rules:
  - {name: ok, who: [group:staff], sites: [facebook], action: block, adjustable: {grant: {max: 3d, to: [marketing]}}}
""")
    [rule] = loaded(ok).rules
    assert rule.adjustable == Adjustable(None, None, None, GrantBound(72, ("marketing",)))
    assert not rule.adjustable.tunable   # nothing for the panel's per-group limits page
