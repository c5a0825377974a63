"""What new rules lost compared with the policy in force, and whether the admin meant it.

A rules file cut short while it is written, emptied or deleted often still loads: what it held is
simply gone and the default applies instead. So losing a file, a written `default:` or `unnamed:`
(setting:default, setting:unnamed), or a named entry (rule, site, category, group, network,
schedule) not defined in another file either, is an error unless the rules confirm it with
`confirm-removal: [rule:NAME, file:NAME.yaml, ...]` (a confirmed file covers everything it held). A policy
whose files have no `rules:` key at all is an error too: `rules: []` says "the default alone" on purpose.
"""
from __future__ import annotations

from pathlib import Path

from policy.loading.problems import Problem
from policy.model import PolicyDoc

KINDS = ("setting", "rule", "site", "category", "group", "network", "schedule")

# kind ("file" or one of KINDS) -> name -> the name of the file it was written in
Inventory = dict[str, dict[str, str]]


def inventory(doc: PolicyDoc) -> Inventory:
    """Every file and named entry of `doc`, with the file it is in (what the manifest records)."""
    found: Inventory = {"file": {Path(file).name: Path(file).name for file in doc.files}}
    found["setting"] = {"default": Path(doc.default_at.file).name} if doc.default_at else {}
    if doc.unnamed.source is not None:      # a written `unnamed:` lost falls back to the default, unrestricted
        found["setting"]["unnamed"] = Path(doc.unnamed.source.file).name
    found["rule"] = {rule.name: Path(rule.source.file).name for rule in doc.rules}
    for kind, entries in (("site", doc.sites), ("category", doc.categories), ("group", doc.groups),
                          ("network", doc.networks), ("schedule", doc.schedules)):
        found[kind] = {name: Path(entry.source.file).name for name, entry in entries.items()}
    return found


def no_rules(doc: PolicyDoc, origin: str) -> list[Problem]:
    """An error when no file of the policy has a `rules:` key (a lost or emptied rules file)."""
    if doc.rules_written:
        return []
    return [Problem(origin, 0, 0, "no file has a 'rules:' list, so only the default would apply "
                    "(was the file with the rules deleted or emptied?)",
                    "restore it; if the default alone is meant, write 'rules: []' in one of the files")]


def lost(before: Inventory, doc: PolicyDoc, origin: str) -> list[Problem]:
    """One error per file that is gone, or that lost entries found nowhere else, unless confirmed.
    `origin`: the folder (or the one file) the policy was loaded from."""
    after, confirmed = inventory(doc), set(doc.confirmed)
    folder = Path(origin) if Path(origin).is_dir() else Path(origin).parent
    by_file: dict[str, list[str]] = {}
    for kind in KINDS:
        for name, file in before.get(kind, {}).items():
            if name not in after[kind] and f"{kind}:{name}" not in confirmed \
                    and f"file:{file}" not in confirmed:
                by_file.setdefault(file, []).append(f"{kind}:{name}")
    problems = []
    for name, file in before.get("file", {}).items():
        if name not in after["file"] and f"file:{name}" not in confirmed:
            held = by_file.pop(file, [])
            problems.append(Problem(str(folder / name), 0, 0, f"is gone{_held(held)}",
                                    f"restore it, or confirm with 'confirm-removal: [file:{name}]' in another file"))
    for file, entries in by_file.items():
        problems.append(Problem(str(folder / file), 0, 0, f"lost {_count(entries)} that the policy in force has: "
                                f"{_list(entries)} (cut short while being written?)",
                                f"restore them, or confirm with 'confirm-removal: [{', '.join(entries)}]'"))
    return problems


def accepted(before: Inventory, doc: PolicyDoc) -> list[str]:
    """The removals `confirm-removal` let through (for the log), as KIND:NAME."""
    after = inventory(doc)
    return [f"{kind}:{name}" for kind in ("file", *KINDS) for name in before.get(kind, {})
            if name not in after[kind]]


def stale(doc: PolicyDoc) -> list[Problem]:
    """Warnings for `confirm-removal` entries that name something the policy has: they would let a
    later accidental loss of it through."""
    if doc.confirmed_at is None:
        return []
    present = inventory(doc)
    return [Problem.at(doc.confirmed_at, f"confirm-removal lists '{entry}', which the policy has",
                       "remove the entry once the removal is in force", severity="warning")
            for entry in doc.confirmed if entry.partition(":")[2] in present.get(entry.partition(":")[0], {})]


def _held(entries: list[str]) -> str:
    return f"; it held {_count(entries)}: {_list(entries)}" if entries else ""


def _count(entries: list[str]) -> str:
    return f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"


def _list(entries: list[str], shown: int = 6) -> str:
    more = len(entries) - shown
    return ", ".join(entries[:shown]) + (f" and {more} more" if more > 0 else "")
