"""Rules: unique names, references resolved (policy/language/references.py), and each action's settings checked.

Settings that belong to another action (`quota` on an allow rule) are errors rather than ignored, so
a rule never silently means less than it says.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policy.language.references import Names, schedule, site, who
from policy.loading.merge import Entry
from policy.loading.problems import Invalid, Problem
from policy.loading.wording import suggest
from policy.model import Adjustable, GrantBound, Quota, Rule
from policy.words import messages

REMEMBER_DEFAULT = 60
Fail = Callable[[Any, str, str], None]     # fail(key, message, fix): a problem in the rule being built
MAX_GRANT_HOURS = 30 * 24


def build_rules(entries: list[Entry], names: Names, problems: list[Problem]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    first_at: dict[str, Any] = {}     # name -> where it is first defined
    for entry in entries:
        name = str(entry.get("name"))
        if name in first_at:
            problems.append(Problem.at(entry.at("name"), f"rule name '{name}' is used twice (first at "
                                       f"{first_at[name]})", "give each rule its own name"))
        first_at.setdefault(name, entry.at("name"))
        rules.append(_rule(entry, name, names, problems))
    return tuple(rules)


def _rule(entry: Entry, name: str, names: Names, problems: list[Problem]) -> Rule:
    def check(key: str, parse: Callable[[str, Names], str]) -> tuple[str, ...]:
        out = []
        for index, text in enumerate(entry.get(key) or []):
            try:
                out.append(parse(str(text).strip(), names))
            except Invalid as exc:
                problems.append(Problem.at(entry.at(key, index), f"{exc.message} in rule '{name}'", exc.fix))
        return tuple(out)

    def fail(key: str | tuple[Any, ...], message: str, fix: str) -> None:
        problems.append(Problem.at(entry.at(*(key if isinstance(key, tuple) else (key,))),
                                   f"{message} in rule '{name}'", fix))

    action = entry.get("action")
    quota = None
    if "quota" in entry.value:
        settings = entry.get("quota")
        quota = Quota(int(settings["minutes"]), settings.get("per", "day"))
        if action != "quota":
            fail("quota", f"'quota' set but the action is {action}", "remove 'quota', or use 'action: quota'")
        elif quota.per == "day" and quota.minutes > 24 * 60:
            fail("quota", f"{quota.minutes} minutes a day", "a day has 1440 minutes; use 'per: week'")
    elif action == "quota":
        fail("action", "action quota without 'quota'", "add 'quota: {minutes: 30, per: day}'")
    if "warn" in entry.value and action != "warn":
        fail("warn", f"'warn' set but the action is {action}", "remove 'warn', or use 'action: warn'")
    remember = int((entry.get("warn") or {}).get("remember", REMEMBER_DEFAULT)) if action == "warn" else None
    adjustable, message = _adjustable(entry, quota, names, fail), _message(entry)
    if message is not None:
        _check_message(entry, name, message, problems)
    return Rule(name, check("who", who), check("sites", site), check("when", schedule),
                check("except", schedule), str(action), quota, remember, adjustable, message, entry.at())


def _adjustable(entry: Entry, quota: Quota | None, names: Names, fail: Fail) -> Adjustable | None:
    settings = entry.get("adjustable")
    if settings is None:
        return None
    minutes = None
    if "minutes" in settings:
        low, high = minutes = (int(settings["minutes"]["min"]), int(settings["minutes"]["max"]))
        where = ("adjustable", "minutes")
        if quota is None:
            fail(where, "adjustable minutes without a quota", "remove 'minutes', or give the rule a quota")
        elif low > high:
            fail(where, f"adjustable minutes min {low} is above max {high}", "swap them")
        elif not low <= quota.minutes <= high:
            fail(where, f"quota of {quota.minutes} minutes lies outside the adjustable {low}-{high}",
                 "widen the bounds or change the quota")
    actions = tuple(dict.fromkeys(settings["action"])) if "action" in settings else None
    if actions and "quota" in actions and quota is None:
        fail(("adjustable", "action"), "'quota' is an adjustable action but the rule has no quota",
             "give the rule 'quota: {minutes: N}' so managers have a limit to start from")
    when = None
    if "when" in settings:
        when = tuple(s for s in settings["when"] if s in names.schedules)
        for index, s in enumerate(settings["when"]):
            if s not in names.schedules:
                fail(("adjustable", "when", index), f"unknown schedule '{s}' in 'adjustable.when'",
                     suggest(s, names.schedules, "define it under 'schedules:'"))
    grant = _grant(settings.get("grant"), names, fail)
    if grant is not None and entry.get("action") == "allow":
        fail(("adjustable", "grant"), "a grant on an allow rule opens nothing",
             "remove 'grant', or put it on the rule that limits the site")
    elif grant is not None and entry.get("who") and not any(
            str(w) == "everyone" or str(w).startswith(("user:", "group:")) for w in entry.get("who")):
        fail(("adjustable", "grant"), "a grant is for a person, but this rule applies only to networks "
             "or anonymous people", "remove 'grant', or put it on a rule for groups or users")
    return Adjustable(minutes, actions, when, grant)


def _grant(settings: dict[str, Any] | None, names: Names, fail: Fail) -> GrantBound | None:
    """`grant: {max: 8h, to: [GROUP]}`: at most 30 days, to groups that exist."""
    if settings is None:
        return None
    text = str(settings["max"])
    hours = int(text[:-1]) * (24 if text.endswith("d") else 1)
    if hours > MAX_GRANT_HOURS:
        fail(("adjustable", "grant", "max"), f"a grant of {text} is longer than 30 days",
             "write 30d or less (a longer need belongs in the rules themselves)")
    to = []
    for index, group in enumerate(settings.get("to") or []):
        group = str(group).removeprefix("group:")
        if group in names.groups:
            to.append(group)
        else:
            fail(("adjustable", "grant", "to", index), f"unknown group '{group}' in 'adjustable.grant.to'",
                 suggest(group, names.groups, "define it under 'groups:'"))
    return GrantBound(min(hours, MAX_GRANT_HOURS), tuple(to))


def _message(entry: Entry) -> str | None:
    message = entry.get("message")
    return str(message).strip() or None if message is not None else None


def _check_message(entry: Entry, name: str, message: str, problems: list[Problem]) -> None:
    """Placeholders must be known (policy/words/messages.py); review/lint.py warns about numbers managers can change."""
    where = entry.at("message")
    for what, fix in messages.problems(message):
        problems.append(Problem.at(where, f"{what} of rule '{name}'", fix))
