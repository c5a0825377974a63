"""A rule's own message, with placeholders filled from the policy in force.

"{minutes} minutes a day during work hours" reads "20 minutes a day …" once a manager set 20, so a
message never contradicts what is enforced. The placeholders: {minutes} and {per} (the quota as in
force for the person), {site} (the site asked for), {budget} (the budget's name, policy/words/budgets.py),
{opens} (when the site next opens to the person, e.g. "today at 12:00"; empty when it is open).
`{{` and `}}` write a brace. `watercooler check` refuses any other placeholder, and warns when a
message states a number that an adjustment can change without saying {minutes}.
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable

PLACEHOLDERS = ("minutes", "per", "opens", "site", "budget")
_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
                 "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"]
_NUMBER = re.compile(r"\d+|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def problems(message: str) -> list[tuple[str, str]]:
    """(what is wrong, the fix) for each placeholder a message may not use."""
    try:
        fields = [name for _, name, spec, conversion in string.Formatter().parse(message) if name is not None]
    except ValueError as exc:
        return [(f"message has a stray brace ({exc})",
                 "write {{ or }} for a brace, or use a placeholder: " + _listed())]
    found = []
    for name in fields:
        if name not in PLACEHOLDERS:
            found.append((f"unknown placeholder {{{name}}} in the message",
                          f"use one of {_listed()}, or write {{{{ and }}}} for braces"))
    return found


def states_a_number(message: str) -> bool:
    """The message says a number in words or digits outside a placeholder ("Thirty minutes", "30 min")."""
    try:
        literal = "".join(text for text, *_ in string.Formatter().parse(message))
    except ValueError:
        return False
    return _NUMBER.search(literal) is not None


def uses(message: str, placeholder: str) -> bool:
    try:
        return any(name == placeholder for _, name, *_ in string.Formatter().parse(message))
    except ValueError:
        return False


def fill(message: str, values: dict[str, Callable[[], object]]) -> str:
    """The message with each placeholder it uses filled (values are computed only when used); a message
    that cannot be filled (a hand-made policy that skipped `check`) is shown as written."""
    if "{" not in message and "}" not in message:
        return message
    try:
        names = {name for _, name, *_ in string.Formatter().parse(message) if name}
        return message.format(**{name: values[name]() for name in names})
    except (ValueError, KeyError, IndexError, AttributeError):
        return message


def _listed() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)
