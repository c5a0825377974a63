"""Test cases for a policy (`rules/tests/*.yaml`): load them, run them, say which rules none exercises.

A case names a request and the outcome the admin expects:
    - {name: lunch is free, user: alice, url: https://www.facebook.com/, at: 2026-11-26T12:15, expect: allow}
`expect` is an action, or `{action, rule}` where rule `default` means "no rule matched". `grant: 8h`
runs the case as if a manager had granted the user the URL's site for that long from `at`: a grant the
rules' `adjustable.grant` does not allow is left out, exactly as the proxy leaves it out. Mistakes in a
case file are `Problem`s with file:line:col, like the loader's.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from policy import request as req
from policy.actions import OUTCOMES
from policy.changes.overrides import Grant
from policy.engine.decision import Decision
from policy.loading.problems import PolicyError, Problem
from policy.loading.yamlsource import load_yaml
from policy.loading.yamltree import YamlDoc
from policy.model import Source
from policy.request import Request

DEFAULT = "default"   # `expect: {rule: default}`: no rule matched, the policy's default decided
_PARSERS = {"user": req.parse_user, "ip": req.parse_ip, "url": req.parse_url,
            "method": req.parse_method, "used": req.parse_used, "continued": req.parse_continued,
            "no_ca": req.parse_no_ca}
_ANY = object()
FIELDS = ("name", "user", "ip", "url", "at", "method", "used", "continued", "no_ca", "grant", "expect")
_DURATION = re.compile(r"([1-9][0-9]{0,2})([hd])")


@dataclass(frozen=True)
class Case:
    name: str
    request: Request
    action: str                 # the expected outcome: allow | block | warn
    rule: str | None            # the expected deciding rule; DEFAULT for the default; None: any
    source: Source
    grant_hours: int | None = None  # run as if the user's site were granted this long from `at`


@dataclass(frozen=True)
class CaseResult:
    case: Case
    decision: Decision | None
    difference: str | None      # None when the case passed

    @property
    def passed(self) -> bool:
        return self.difference is None


def load_cases(path: Path, zone: tzinfo, rule_names: Iterable[str] = ()) -> list[Case]:
    """The cases of one file; PolicyError listing every mistake in it."""
    doc = load_yaml(path)
    problems: list[Problem] = []
    cases = _cases(doc, zone, set(rule_names), problems)
    if problems:
        raise PolicyError(problems)
    return cases


def _cases(doc: YamlDoc, zone: tzinfo, rule_names: Iterable[str], problems: list[Problem]) -> list[Case]:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or not data["cases"]:
        problems.append(Problem.at(doc.at(("cases",)), "a test file holds a non-empty `cases:` list",
                                   "start the file with `cases:` and list each case under it with `- name: ...`"))
        return []
    problems += [_unknown(doc, (key,), ("cases",)) for key in data if key != "cases"]
    cases = []
    for index, raw in enumerate(data["cases"]):
        found: list[Problem] = []
        case = _case(raw, ("cases", index), doc, zone, rule_names, found)
        problems += found
        if case and not found:
            cases.append(case)
    return cases


def _case(raw: Any, path: tuple[Any, ...], doc: YamlDoc, zone: tzinfo, rule_names: Iterable[str],
          problems: list[Problem]) -> Case | None:
    where = doc.at(path)
    if not isinstance(raw, dict):
        problems.append(Problem.at(where, f"a case is a mapping of fields (found {raw!r})",
                                   "write `- name: ...` then `url:`, `at:` and `expect:` indented below it"))
        return None
    problems += [_unknown(doc, path + (key,), FIELDS) for key in raw if key not in FIELDS]
    for key in ("url", "at", "expect"):
        if key not in raw:
            problems.append(Problem.at(where, f"this case has no `{key}`", f"add `{key}:` to the case"))
    values: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            if key in _PARSERS:
                values[key] = _PARSERS[key](value)
            elif key == "at":
                values[key] = req.parse_at(value, zone)
            elif key == "expect":
                values[key] = _expect(value, rule_names)
            elif key == "grant":
                values[key] = _grant_hours(value, raw.get("user"))
            elif key == "name" and (not isinstance(value, (str, int, float)) or not str(value).strip()):
                raise ValueError(f"a case's name is a line of text (found {value!r})")
        except ValueError as exc:
            problems.append(Problem.at(doc.at(path + (key,)), str(exc)))
    if problems:
        return None
    name = str(raw.get("name", f"case at line {where.line}")).strip()
    action, rule = values.pop("expect")
    grant_hours = values.pop("grant", None)
    request = Request(url=values.pop("url"), at=values.pop("at"), user=values.pop("user", None), **values)
    return Case(name, request, action, rule, where, grant_hours)


def _grant_hours(value: Any, user: Any) -> int:
    match = _DURATION.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"a grant lasts hours or days, like 8h or 3d (found {value!r})")
    if user is None:
        raise ValueError("a grant is for a person: give the case a `user`")
    return int(match[1]) * (24 if match[2] == "d" else 1)


def _unknown(doc: YamlDoc, path: tuple[Any, ...], valid: Iterable[str]) -> Problem:
    key = str(path[-1])
    close = get_close_matches(key, valid, n=1)
    fix = f"did you mean `{close[0]}`?" if close else f"the keys here are {', '.join(valid)}"
    return Problem.at(doc.key_at(path), f"unknown key `{key}`", fix)


def _expect(value: Any, rule_names: Iterable[str]) -> tuple[str, str | None]:
    if isinstance(value, dict):
        if set(value) - {"action", "rule"} or "action" not in value:
            raise ValueError(f"`expect` is an action or {{action, rule}} (found keys {sorted(value)})")
        action, rule = value["action"], value.get("rule", _ANY)
        rule = DEFAULT if rule is None else rule
        if rule is not _ANY and rule != DEFAULT and rule not in rule_names:
            raise ValueError(f"no rule is named {rule!r}; use one of the policy's rule names, or `default`")
    else:
        action, rule = value, _ANY
    if action not in OUTCOMES:
        raise ValueError(f"an expected action is one of {', '.join(OUTCOMES)} (found {action!r})")
    return action, (None if rule is _ANY else str(rule))


@dataclass(frozen=True)
class Report:
    results: list[CaseResult]
    problems: list[Problem]     # mistakes in case files: those cases did not run
    unexercised: list[str]      # rules that decided no case, in policy order; DEFAULT if it never decided


def run_folder(policy: Any, folder: Path, zone: tzinfo, rule_names: list[str]) -> Report:
    """Every case in `folder/*.yaml`, run against `policy`."""
    results, problems = [], []
    for path in sorted(folder.glob("*.yaml")):
        try:
            cases = load_cases(path, zone, rule_names)
        except PolicyError as exc:
            problems += exc.problems
            continue
        results += [run_case(policy, case) for case in cases]
    deciding = {r.decision.rule or DEFAULT for r in results
                if r.decision is not None and not req.unnamed(r.case.request) and not _by_grant(r.decision)}
    unexercised = [name for name in [*rule_names, DEFAULT] if name not in deciding]
    return Report(results, problems, unexercised)


def run_case(policy: Any, case: Case) -> CaseResult:
    try:
        decision = req.decide(_granted(policy, case), case.request)
    except ValueError as exc:
        return CaseResult(case, None, f"the request could not be decided: {exc}")
    if decision.action == case.action and case.rule in (None, decision.rule or DEFAULT):
        return CaseResult(case, decision, None)
    want = case.action + (f" by {_rule_words(case.rule)}" if case.rule else "")
    got = f"{decision.action} by {_rule_words(decision.rule or DEFAULT)}"
    return CaseResult(case, decision, f"expected {want}, got {got} ({decision.reason})")


def _granted(policy: Any, case: Case) -> Any:
    """The policy with the case's grant, when the rules allow it; as it is otherwise (as the proxy does)."""
    hours, user = case.grant_hours, case.request.user      # a case with a grant names its user (_grant_hours)
    site = policy.site_for_host(urlsplit(case.request.url).hostname or "") if hours and user else None
    if site is None or hours is None or user is None:
        return policy
    at = case.request.at
    try:
        return policy.with_overrides(grants=[Grant(user, site.name, at + timedelta(hours=hours), at)])
    except ValueError:
        return policy


def _by_grant(decision: Decision) -> bool:
    return bool(decision.trace) and decision.trace[0].rule == "grant" and decision.trace[0].why.startswith("grant ")


def _rule_words(rule: str) -> str:
    return "the default" if rule == DEFAULT else f"rule {rule}"
