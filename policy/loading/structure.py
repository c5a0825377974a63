"""Stage 2: the shape of one rules file, checked against the JSON Schema, every error in words.

jsonschema finds all mismatches; each becomes a Problem at the line of the offending key or value:
an unknown key suggests the closest valid one, a wrong type says what was found, an enum lists the
allowed values. The schema is the one editors use, so both agree on what is valid.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from policy.language.timeparse import DAY_NAMES
from policy.loading import wording as w
from policy.loading.problems import Problem
from policy.loading.schema import cases_schema, policy_schema
from policy.loading.yamltree import YamlDoc

TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "array": "a list", "object": "a mapping of keys", "null": "empty"}


@lru_cache(maxsize=2)
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(policy_schema() if kind == "policy" else cases_schema())


def check_structure(doc: YamlDoc, kind: str = "policy") -> list[Problem]:
    """Every way `doc` does not fit the schema (`kind`: "policy" or "cases"); [] when it fits."""
    data = {} if doc.data is None else doc.data
    problems: list[Problem] = []
    for error in _validator(kind).iter_errors(data):
        problems.extend(_explain(error, doc, data))
    return sorted(set(problems), key=Problem.sort_key)


def _explain(error: ValidationError, doc: YamlDoc, data: Any) -> list[Problem]:
    path, keyword = tuple(error.absolute_path), error.validator
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}   # ours are all objects
    value: Any = error.instance
    expected: Any = error.validator_value
    if keyword == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        where = f"in {w.place(path, data)}" if path else "at the top level"
        return [Problem.at(doc.key_at(path + (key,)), f"unknown key '{key}' {where}",
                           _unknown_key_fix(key, allowed)) for key in value if key not in allowed]
    if "propertyNames" in error.schema_path:   # a name defined under sites:, groups:, ...
        return [Problem.at(doc.key_at(path + (value,)), f"invalid name '{value}' in {w.place(path, data)}",
                           schema.get("x-fix", ""))]
    where, at = w.place(path, data), doc.at(path)
    if keyword == "type":
        words = [TYPE_WORDS[t] for t in ([expected] if isinstance(expected, str) else expected)]
        return [Problem.at(at, f"{where} must be {' or '.join(words)} (found {w.found(value)})",
                           _type_fix(expected, value))]
    if keyword == "enum":
        choices = expected
        hint = w.suggest(value, choices) if isinstance(value, str) else ""
        fix = f"{hint} (choices: {w.one_of(choices)})" if hint else f"use one of: {w.one_of(choices)}"
        return [Problem.at(at, f"invalid value {value!r} for {where}", fix)]
    if keyword == "required":
        described = schema.get("properties", {})
        misspelt = {w.closest(key, described) for key in value if key not in described}  # said already
        return [Problem.at(at, f"{where} has no '{key}'",
                           f"add '{key}:' ({described.get(key, {}).get('description', 'required')})")
                for key in expected if key not in value and key not in misspelt]
    if keyword == "pattern":
        return [Problem.at(at, f"invalid value {value!r} for {where}", schema.get("x-fix", ""))]
    if keyword == "minItems":
        return [Problem.at(at, f"{where} is empty", schema.get("x-fix") or "list at least one entry")]
    if keyword in ("minimum", "maximum"):
        size = "small" if keyword == "minimum" else "large"
        bound = "or more" if keyword == "minimum" else "or less"
        return [Problem.at(at, f"{where} is too {size} (found {value})", f"use {expected} {bound}")]
    return [Problem.at(at, f"{where} is not valid ({w.found(value)})",
                       schema.get("description") or error.message)]


def _unknown_key_fix(key: str, allowed: list[str]) -> str:
    if "days" in allowed and key.strip().lower()[:3] in DAY_NAMES:   # {days: sat,sun} reads as two keys
        return 'inside { } a comma separates keys: write days: [sat, sun], or quote "sat,sun"'
    return w.suggest(key, allowed, f"valid keys here: {w.one_of(allowed)}")


def _type_fix(expected: Any, value: Any) -> str:
    expected = [expected] if isinstance(expected, str) else expected
    if "array" in expected and isinstance(value, str):
        return f"write it as a list: [{value}]"
    if "string" in expected and isinstance(value, (int, float)):
        return "put the value in quotes"
    if "object" in expected:
        return "write its keys indented below it, or as {key: value, ...}"
    if expected == ["integer"]:
        return "write a whole number without quotes or units"
    return f"write {' or '.join(TYPE_WORDS[t] for t in expected)}"
