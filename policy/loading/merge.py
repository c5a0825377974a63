"""Stage 3: the files of a rules folder merged into one set of named entries, each knowing its place.

Any file may hold any subset of the top-level keys. A name defined in two files, or a setting such
as `timezone` given twice, is an error that names both places. Rules keep the order of the files
(sorted by name), then their order within each file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policy.loading.problems import Problem
from policy.loading.wording import SECTIONS
from policy.loading.yamltree import Path, YamlDoc
from policy.model import Source

SETTINGS = ("version", "timezone", "default", "confirm-removal", "unnamed")


@dataclass(frozen=True)
class Entry:
    """One value as written: the document it is in and its path there."""
    doc: YamlDoc
    path: Path
    value: Any

    def at(self, *sub: str | int) -> Source:
        return self.doc.at(self.path + sub)

    def key_at(self, *sub: str | int) -> Source:
        return self.doc.key_at(self.path + sub)

    def get(self, key: str, default: Any = None) -> Any:
        return self.value.get(key, default) if isinstance(self.value, dict) else default


@dataclass
class Merged:
    settings: dict[str, Entry] = field(default_factory=dict)
    sections: dict[str, dict[str, Entry]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    rules: list[Entry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rules_written: bool = False     # some file has a `rules:` key, even an empty one


def merge(docs: list[YamlDoc]) -> tuple[Merged, list[Problem]]:
    merged, problems = Merged(), []
    for doc in docs:
        merged.files.append(doc.file)
        data = doc.data if isinstance(doc.data, dict) else {}
        for key in SETTINGS:
            if key in data:
                entry = Entry(doc, (key,), data[key])
                first = merged.settings.setdefault(key, entry)
                if first is not entry:
                    problems.append(Problem.at(entry.key_at(), f"'{key}' is set twice (first at {first.key_at()})",
                                               "keep it in one file only"))
        for section, singular in SECTIONS.items():
            for name, value in (data.get(section) or {}).items():
                entry = Entry(doc, (section, name), value)
                first = merged.sections[section].setdefault(name, entry)
                if first is not entry:
                    problems.append(Problem.at(entry.key_at(), f"{singular} '{name}' is defined twice "
                                               f"(first at {first.key_at()})", "rename or remove one of them"))
        merged.rules_written = merged.rules_written or "rules" in data
        merged.rules += [Entry(doc, ("rules", i), rule) for i, rule in enumerate(data.get("rules") or [])]
    return merged, problems
