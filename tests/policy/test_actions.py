"""Every registered action is complete: words for every audience, a page, the engine's branch, schema, docs."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from policy.actions import GENEROSITY, NAMES, OUTCOMES, REGISTRY, STATEFUL, Action, Outcome, Page, register, shown
from policy.engine.engine import Policy
from tests.support.policies import doc, rule, site

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "proxy_addons" / "pages"
SCHEMA = json.loads((ROOT / "docs" / "rules.schema.json").read_text(encoding="utf-8"))
DOCS = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
THURSDAY = datetime(2026, 3, 5, 10, 0)


def engine_outcomes(action: Action) -> dict[tuple[str, int, bool], str]:
    """What the engine answers for a rule with this action, for reads and writes, budgets spent or not,
    warnings continued or not."""
    quota = 30 if action.settings == "quota" else None
    remember = 60 if action.settings == "warn" else None
    policy = Policy(doc(sites=[site("facebook", "facebook.com")],
                        rules=[rule("r", ["facebook"], action.name, quota=quota, remember=remember)]))
    return {(method, used, continued): policy.decide("alice", "https://facebook.com/", THURSDAY, method=method,
                                                     used_minutes=used, continued=continued).action
            for method in ("GET", "POST") for used in (0, 10_000) for continued in (False, True)}


def docs_row(name: str) -> str | None:
    """The `what the person gets` cell of docs/policy.md's actions table, links and code marks removed."""
    found = re.search(rf"^\| `{re.escape(name)}` \| (.*) \|$", DOCS, re.MULTILINE)
    return None if found is None else re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", found[1]).replace("`", "")


def incomplete(action: Action) -> list[str]:
    """What the action lacks; [] when it is complete."""
    missing = [f"no {name} words" for name in ("summary", "manager", "status") if not getattr(action, name)]
    for outcome, entry in action.outcomes.items():
        missing += [f"no {name} for {outcome}" for name in ("state", "headline", "reason") if not getattr(entry, name)]
        pages = [entry.page] + ([action.notice] if outcome == "allow" and action.notice else [])
        if outcome != "allow" and entry.page is None:
            missing.append(f"no page for {outcome}")
        for page in (p for p in pages if p is not None):
            if not (PAGES / page.template).is_file() or not page.badge or not page.heading:
                missing.append(f"page {page.template!r} for {outcome} is not a page with a badge and heading")
    try:
        answers = engine_outcomes(action)
    except Exception as exc:      # any failure means the engine has no branch for it
        answers = {("GET", 0, False): f"an error ({exc!r})"}
    gives = set(answers.values())
    if gives != set(action.outcomes):
        missing.append(f"the engine gives {sorted(gives)}, the registry says {sorted(action.outcomes)}")
    read_alike = {answers.get(("GET", used, continued)) for used in (0, 10_000) for continued in (False, True)}
    if (len(read_alike) > 1) != action.stateful:
        missing.append("stateful is wrong: " + ("a read's answer changes with minutes used or a Continue"
                                                 if len(read_alike) > 1 else "a read's answer never changes"))
    rule_schema = SCHEMA["$defs"]["rule"]["properties"]
    if action.name not in rule_schema["action"]["enum"]:
        missing.append("not in the schema's actions")
    if action.settings is not None and action.settings not in rule_schema:
        missing.append(f"no schema entry for its settings {action.settings!r}")
    row = docs_row(action.name)
    if row is None:
        missing.append("no row in docs/policy.md's actions table")
    elif row != action.summary:
        missing.append(f"docs/policy.md says {row!r}, the registry {action.summary!r}")
    return missing


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_action_is_complete(name):
    assert incomplete(REGISTRY[name]) == []


def test_an_incomplete_action_is_caught():
    nudge = Action("nudge", "", manager="nudges", status="", outcomes={
        "allow": Outcome("open", "Open", ""), "block": Outcome("closed", "Closed", "{label} is closed.")})
    assert incomplete(nudge) == [
        "no summary words", "no status words", "no reason for allow", "no page for block",
        "the engine gives ['nudge'], the registry says ['allow', 'block']",
        "not in the schema's actions", "no row in docs/policy.md's actions table"]


def test_a_page_that_does_not_exist_is_caught():
    block = REGISTRY["block"]
    broken = Action("block", block.summary, manager=block.manager, status=block.status,
                    outcomes={"block": Outcome("closed", "Closed", "x", Page("gone.html", "Paused", "x"))})
    assert incomplete(broken) == ["page 'gone.html' for block is not a page with a badge and heading"]


def test_each_action_once_and_only_known_outcomes():
    with pytest.raises(ValueError, match="'block' is registered twice"):
        register(REGISTRY["block"])
    with pytest.raises(ValueError, match="unknown outcome 'maybe'"):
        register(Action("maybe", "x", manager="x", status="x", outcomes={"maybe": Outcome("x", "x", "x")}))
    assert "maybe" not in REGISTRY


def test_words_for_an_outcome_the_action_does_not_give_are_the_outcomes_own():
    assert shown("warn", "warn").headline == "Asks first"
    assert shown("allow", "warn").reason == "You chose to continue to {label}."
    assert shown("block", "allow") is REGISTRY["block"].outcomes["block"]     # e.g. a default of block
    assert set(OUTCOMES) == {o for action in REGISTRY.values() for o in action.outcomes}


def test_the_most_generous_action_comes_first_and_budgets_and_warnings_are_stateful():
    assert GENEROSITY == ("allow", "warn", "read-only", "quota", "block")
    assert STATEFUL == ("warn", "quota")


def test_an_action_said_stateless_whose_answer_moves_is_caught():
    quota = REGISTRY["quota"]
    assert incomplete(replace(quota, stateful=False)) == [
        "stateful is wrong: a read's answer changes with minutes used or a Continue"]
