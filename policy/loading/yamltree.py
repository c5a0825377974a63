"""Stage 1b: a YAML document → plain Python values, plus the place of every key and value.

Nodes come from policy/loading/yamlcompose.py; values are built here, never by a YAML constructor, so no
tag is ever executed (`!!python/...` is an error, not a call). Scalars follow the YAML 1.2 core schema: `17:30` stays
the text "17:30" (YAML 1.1 would read 1050), `2026-12-24` stays text, and `no`/`on` are not booleans.
Aliases are expanded with a budget, so "billion laughs" files and self-containing anchors fail fast.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policy.loading.problems import PolicyError, Problem
from policy.loading.yamlcompose import MAX_DEPTH, compose
from policy.loading.yamlresolve import CORE
from policy.model import Source

MAX_ALIAS_VALUES = 50_000   # values reached again through aliases; real files reuse a few lists
_PLAIN_TAGS = {CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_KIND_NAMES = {"bool": "true/false", "null": "null", "int": "whole number", "float": "number"}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """One parsed file: `data` as plain values; `marks`/`key_marks` give (line, col) by path."""
    file: str
    data: Any
    marks: dict[Path, tuple[int, int]]
    key_marks: dict[Path, tuple[int, int]]

    def at(self, path: Path) -> Source:
        """Where the value at `path` was written (or its nearest written parent)."""
        path = tuple(path)
        while path and path not in self.marks:
            path = path[:-1]
        return Source(self.file, *self.marks.get(path, (1, 1)))

    def key_at(self, path: Path) -> Source:
        """Where the key naming the value at `path` was written (the value's place if none)."""
        mark = self.key_marks.get(tuple(path))
        return Source(self.file, *mark) if mark else self.at(path)


def compose_document(name: str, text: str) -> YamlDoc:
    node, anchor_names = compose(name, text)
    return _Builder(name, anchor_names).document(node)


class _Builder:
    def __init__(self, name: str, anchor_names: dict[int, str]):
        self.name = name
        self.anchor_names = anchor_names
        self.marks: dict[Path, tuple[int, int]] = {}
        self.key_marks: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()         # nodes already built once: meeting one again is an alias
        self.open: set[int] = set()         # nodes being built: meeting one of them again is recursion
        self.alias_values = 0

    def document(self, node: Node | None) -> YamlDoc:
        data = None if node is None else self.value(node, ())
        if self.problems:
            raise PolicyError(self.problems)
        return YamlDoc(self.name, data, self.marks, self.key_marks)

    def problem(self, node: Node, message: str, fix: str) -> Problem:
        mark = node.start_mark
        return Problem(self.name, mark.line + 1, mark.column + 1, message, fix)

    def fail(self, node: Node, message: str, fix: str) -> PolicyError:
        return PolicyError([*self.problems, self.problem(node, message, fix)])

    def value(self, node: Node, path: Path) -> Any:
        if id(node) in self.open:
            anchor = self.anchor_names.get(id(node), "name")
            raise self.fail(node, f"recursive anchor '&{anchor}': the value contains itself",
                            f"an alias (*{anchor}) cannot be used inside the anchor it refers to")
        if id(node) in self.seen:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise self.fail(node, f"aliases expand to more than {MAX_ALIAS_VALUES} values",
                                "write the values out, or stop nesting aliases inside anchors")
        if len(path) > MAX_DEPTH:   # reachable through aliases only: composing bounds the written depth
            raise self.fail(node, f"values nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        self.seen.add(id(node))
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS and node.tag != CORE + "merge":
            shown = node.tag.replace(CORE, "!!")
            self.problems.append(self.problem(node, f"tag '{shown}' is not allowed in a rules file",
                                              "remove the tag; rules hold plain text, numbers, lists "
                                              "and mappings"))
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.mapping(cast(MappingNode, node), path)      # scalars and sequences are handled above
        finally:
            self.open.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        kind, text = node.tag.removeprefix(CORE), node.value
        try:
            if kind == "bool":
                return text.lower() == "true"
            if kind == "null":
                return None
            if kind == "int":
                return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
            if kind == "float":
                return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")
                             .replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
        except ValueError:
            self.problems.append(self.problem(node, f"'{text}' is not a valid {_KIND_NAMES[kind]}",
                                              "remove the tag or fix the value"))
        return text

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:    # `<<: *base` first, so the mapping's own keys win
            if key_node.tag == CORE + "merge":
                for source in value_node.value if isinstance(value_node, SequenceNode) else [value_node]:
                    if not isinstance(source, MappingNode):
                        raise self.fail(source, "'<<' merges mappings only", "use '<<: *anchor' of a mapping")
                    for key, value in self.value(source, path).items():
                        result.setdefault(key, value)
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == CORE + "merge":
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(self.problem(key_node, "a key must be a plain name, not a list or "
                                                  "mapping", "write the key as text"))
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in first_line:
                self.problems.append(self.problem(key_node, f"duplicate key '{key}' (lines "
                                                  f"{first_line[key]} and {line})", "keep one of them"))
                continue
            first_line[key] = line
            self.key_marks[path + (key,)] = (line, key_node.start_mark.column + 1)
            result[key] = self.value(value_node, path + (key,))
        return result
