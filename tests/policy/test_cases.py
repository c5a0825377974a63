"""Case files: what loads, what is refused with file:line, and running cases against the sample policy."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import policy
from policy.cases import DEFAULT, load_cases, run_case, run_folder
from policy.loading.problems import PolicyError

BERLIN = ZoneInfo("Europe/Berlin")
RULES = Path(__file__).resolve().parents[2] / "rules"
NAMES = ["social-budget", "social-in-breaks"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_cases(write(tmp_path, text), BERLIN, NAMES)
    return [str(problem) for problem in caught.value.problems]


def test_a_case_reads_every_field(tmp_path):
    path = write(tmp_path, """cases:
  - name: budget used up
    user: alice
    ip: 10.1.2.3
    url: https://m.facebook.com/
    at: 2026-11-26T15:00
    method: post
    used: 30
    continued: true
    expect: {action: block, rule: social-budget}
""")
    [case] = load_cases(path, BERLIN, NAMES)
    assert case.name == "budget used up"
    assert (case.action, case.rule) == ("block", "social-budget")
    request = case.request
    assert (request.user, request.ip, request.method, request.used, request.continued) == \
        ("alice", "10.1.2.3", "POST", 30, True)
    assert request.at == datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)
    assert (case.source.line, case.source.col) == (2, 5)


def test_defaults_anonymous_get_unused_any_rule(tmp_path):
    [case] = load_cases(write(tmp_path, "cases:\n  - {url: x.com, at: 2026-11-26T12:15Z, expect: allow}\n"),
                        BERLIN, NAMES)
    assert case.request.user is None and case.request.method == "GET" and case.request.used == 0
    assert case.rule is None and case.name == "case at line 2"
    assert case.request.at.utcoffset() == timedelta(0)   # an explicit offset is kept


@pytest.mark.parametrize("rule", ["default", "null"])
def test_expecting_the_default(tmp_path, rule):
    [case] = load_cases(write(tmp_path, f"cases:\n  - {{url: x.com, at: 2026-11-26T10:00, "
                                        f"expect: {{action: allow, rule: {rule}}}}}\n"), BERLIN, NAMES)
    assert case.rule == DEFAULT


@pytest.mark.parametrize("line, expected", [
    ("usr: alice", "cases.yaml:4:5: unknown key `usr`; did you mean `user`?"),
    ("at: tomorrow", "cases.yaml:4:9: not a date and time: 'tomorrow'"),
    ("at: 2026-11-26T25:00", "cases.yaml:4:9: not a date and time: '2026-11-26T25:00'"),
    ("used: -5", "cases.yaml:4:11: minutes used cannot be negative"),
    ("ip: 10.1.2", "cases.yaml:4:9: not an IP address: '10.1.2'"),
    ("method: P O S T", "cases.yaml:4:13: not an HTTP method"),
    ("continued: maybe", "cases.yaml:4:16: `continued` is true or false"),
    ("name: [a, b]", "cases.yaml:4:11: a case's name is a line of text"),
])
def test_a_bad_field_is_named_with_its_place(tmp_path, line, expected):
    text = f"cases:\n  - url: https://x.com/\n    expect: allow\n    {line}\n"
    if not line.startswith("at:"):
        text += "    at: 2026-11-26T10:00\n"
    found = problems_of(tmp_path, text)
    assert any(problem.startswith(str(tmp_path / expected)) for problem in found), found


@pytest.mark.parametrize("expect, message", [
    ("alow", "an expected action is one of allow, block, warn (found 'alow')"),
    ("quota", "an expected action is one of allow, block, warn (found 'quota')"),
    ("{action: block, rule: social-budgte}", "no rule is named 'social-budgte'"),
    ("{action: block, because: budget}", "`expect` is an action or {action, rule}"),
])
def test_a_bad_expectation(tmp_path, expect, message):
    found = problems_of(tmp_path, f"cases:\n  - url: x.com\n    at: 2026-11-26T10:00\n    expect: {expect}\n")
    assert found == [f"{tmp_path / 'cases.yaml'}:4:13: {message}" + found[0].split(message, 1)[1]]


def test_every_mistake_in_a_file_is_reported(tmp_path):
    found = problems_of(tmp_path, "cases:\n  - name: one\n    at: soon\n  - name: two\n    url: \"http://a..b/\"\n"
                                  "    at: 2026-11-26T10:00\n    expect: allow\n")
    assert [p.split(": ", 1)[0].rsplit(":", 2)[1] for p in found] == ["2", "2", "3", "5"]
    assert {found[0].split(": ", 1)[1], found[1].split(": ", 1)[1]} == {
        "this case has no `url`; add `url:` to the case", "this case has no `expect`; add `expect:` to the case"}


@pytest.mark.parametrize("text, message", [
    ("", "a test file holds a non-empty `cases:` list"),
    ("cases: []\n", "a test file holds a non-empty `cases:` list"),
    ("case:\n  - {url: x.com}\n", "a test file holds a non-empty `cases:` list"),
    ("cases:\n  - just text\n", "a case is a mapping of fields"),
    ("cases:\n  - {url: x.com, url: y.com}\n", "duplicate key 'url' (lines 2 and 2)"),
    ("cases: !!python/object/apply:os.system [echo hi]\n", "tag '!!python/object/apply:os.system'"),
    ("cases:\n\t- {url: x.com}\n", "tab in indentation"),
])
def test_a_file_that_is_not_a_list_of_cases(tmp_path, text, message):
    found = problems_of(tmp_path, text)
    assert any(message in problem for problem in found), found


def test_a_case_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_bytes(b"cases:\n  - name: caf\xe9\n")
    with pytest.raises(PolicyError, match="not valid UTF-8"):
        load_cases(path, BERLIN, NAMES)


@pytest.fixture(scope="module")
def sample():
    return policy.load(RULES)


def test_the_sample_cases_all_pass_and_exercise_every_rule(sample):
    names = [rule.name for rule in sample.doc.rules]
    report = run_folder(sample, RULES / "tests", sample.timezone, names)
    assert report.problems == []
    assert [r.case.name for r in report.results if not r.passed] == []
    assert len(report.results) >= 40
    assert report.unexercised == []


def test_a_case_that_fails_says_what_differs(sample, tmp_path):
    path = write(tmp_path, "cases:\n  - name: wrong\n    user: alice.krueger\n    url: https://www.facebook.com/\n"
                           "    at: 2026-11-26T12:15\n    expect: {action: block, rule: default}\n")
    [case] = load_cases(path, sample.timezone, [rule.name for rule in sample.doc.rules])
    result = run_case(sample, case)
    assert not result.passed and result.decision.rule == "social-in-breaks"
    assert result.difference.startswith("expected block by the default, got allow by rule social-in-breaks (")


def test_an_expectation_without_a_rule_checks_the_action_only(sample, tmp_path):
    path = write(tmp_path, "cases:\n  - {user: x, url: https://docs.python.org/, at: 2026-11-26T10:00, "
                           "expect: allow}\n  - {user: x, url: https://docs.python.org/, at: 2026-11-26T10:00, "
                           "expect: {action: allow, rule: default}}\n")
    assert all(run_case(sample, case).passed for case in load_cases(path, sample.timezone, []))


def test_unexercised_rules_and_default_are_listed_in_policy_order(sample, tmp_path):
    write(tmp_path, "cases:\n  - {user: emma.schulz, url: https://x.com/, at: 2026-11-26T15:00, expect: allow}\n")
    (tmp_path / "broken.yaml").write_text("cases:\n  - {url: x.com, at: never, expect: allow}\n")
    names = [rule.name for rule in sample.doc.rules]
    report = run_folder(sample, tmp_path, sample.timezone, names)
    assert [r.passed for r in report.results] == [True]
    assert [str(p) for p in report.problems] == [f"{tmp_path / 'broken.yaml'}:2:22: not a date and time: 'never'; "
                                                 "write it like 2026-11-26T12:15 (policy-local) or "
                                                 "2026-11-26T12:15+01:00"]
    assert report.unexercised == [name for name in names if name != "social-budget"] + [DEFAULT]


def test_a_case_without_the_ca_decides_a_bare_address_by_the_unnamed_setting(tmp_path):
    import policy
    from policy.cases import load_cases, run_case
    from tests.support.rule_files import CATALOGUE, with_header, write_rules

    folder = write_rules(tmp_path / "rules", main=with_header(CATALOGUE + """
rules:
  - {name: no-facebook, sites: [facebook], action: block}
"""))
    loaded = policy.load(folder)
    cases = tmp_path / "cases.yaml"
    cases.write_text("""cases:
  - {name: address without the CA, user: alice, url: "https://157.240.1.35/", no_ca: true,
     at: 2026-11-26T10:00, expect: block}
  - {name: address with the CA, user: alice, url: "https://157.240.1.35/", at: 2026-11-26T10:00,
     expect: {action: allow, rule: default}}
  - {name: a name without the CA, user: alice, url: "https://www.facebook.com/", no_ca: yes,
     at: 2026-11-26T10:00, expect: {action: block, rule: no-facebook}}
""")
    results = [run_case(loaded, case) for case in load_cases(cases, loaded.timezone, ["no-facebook"])]
    assert [r.difference for r in results] == [None, None, None]
    assert "does not say which site it is" in results[0].decision.reason
    cases.write_text("cases:\n  - {url: 'https://1.2.3.4/', at: 2026-11-26T10:00, no_ca: maybe, expect: block}\n")
    with pytest.raises(Exception, match="`no_ca` is true or false"):
        load_cases(cases, loaded.timezone)


def test_a_case_with_a_grant_runs_as_the_proxy_would_enforce_it(sample, tmp_path):
    path = write(tmp_path, """cases:
  - {user: alice.krueger, url: https://www.tiktok.com/, at: 2026-11-26T15:00, used: 30, grant: 8h, expect: allow}
  - {user: alice.krueger, url: https://www.tiktok.com/, at: 2026-11-26T15:00, used: 30, grant: 9h, expect: allow}
""")
    granted, too_long = [run_case(sample, case) for case in load_cases(path, BERLIN, sample_rules(sample))]
    assert granted.passed
    assert too_long.difference.startswith("expected allow, got block by rule social-budget")


@pytest.mark.parametrize("line, expected", [
    ("{user: a, url: x.com, at: 2026-11-26T15:00, grant: 8 hours, expect: allow}",
     "cases.yaml:2:56: a grant lasts hours or days, like 8h or 3d (found '8 hours')"),
    ("{url: x.com, at: 2026-11-26T15:00, grant: 8h, expect: allow}",
     "cases.yaml:2:47: a grant is for a person: give the case a `user`"),
])
def test_a_bad_grant_in_a_case_is_named_with_its_place(tmp_path, line, expected):
    [problem] = problems_of(tmp_path, f"cases:\n  - {line}\n")
    assert problem.endswith(expected)


def sample_rules(policy) -> list[str]:
    return [rule.name for rule in policy.doc.rules]
