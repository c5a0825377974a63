"""Humane words for places and values in a rules file, shared by every stage's messages.

A path like ("rules", 3, "quota", "minutes") reads "'quota.minutes' of rule 'social-budget'", and a
found value reads "text 'lunch'" or "a list", so an admin recognises what they wrote.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

SECTIONS = {"categories": "category", "sites": "site", "groups": "group", "networks": "network",
            "schedules": "schedule"}


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice an admin most likely meant, if any is close enough."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggest(word: str, choices: Iterable[str], fallback: str = "") -> str:
    """'did you mean X?' when something is close, else the fallback hint."""
    choices = list(choices)
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else fallback


def one_of(choices: Iterable[Any]) -> str:
    return ", ".join(str(c) for c in choices)


def element(path: tuple[Any, ...], data: Any) -> tuple[str | None, tuple[Any, ...]]:
    """The element holding `path` ("rule 'x'", "window 2 of schedule 'lunch'") and the path inside it."""
    if len(path) >= 2 and path[0] in ("rules", "cases") and isinstance(path[1], int):
        item = _get(data, path[:2])
        name = item.get("name") if isinstance(item, dict) else None
        kind = path[0][:-1]
        label = f"{kind} '{name}'" if isinstance(name, str) else f"{kind} {path[1] + 1}"
        return label, path[2:]
    if len(path) >= 2 and path[0] in SECTIONS:
        label = f"{SECTIONS[path[0]]} '{path[1]}'"
        if path[0] == "schedules" and len(path) >= 3 and isinstance(path[2], int):
            return f"window {path[2] + 1} of {label}", path[3:]
        return label, path[2:]
    return None, path


def field(rest: tuple[Any, ...]) -> str:
    """A path inside an element: "'quota.minutes'" or "entry 2 of 'who'"."""
    keys = ".".join(str(p) for p in rest if isinstance(p, str))
    if rest and isinstance(rest[-1], int):
        return f"entry {rest[-1] + 1} of '{keys}'" if keys else f"entry {rest[-1] + 1}"
    return f"'{keys}'"


def place(path: tuple[Any, ...], data: Any) -> str:
    """The whole phrase for a value: "'quota.minutes' of rule 'x'", "rule 'x'", "'rules'"."""
    label, rest = element(tuple(path), data)
    if label is None:
        return field(rest) if rest else "the file"
    return f"{field(rest)} of {label}" if rest else label


def found(value: Any) -> str:
    """What was written, as a short phrase."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text '{value if len(value) <= 40 else value[:37] + '...'}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data
