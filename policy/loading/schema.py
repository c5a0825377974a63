"""The JSON Schema (draft 2020-12) of a rules file and of a test-case file, built from a registry.

Each element of the language registers its schema, a one-line description and a YAML example; the
schema that editors use for completion, `watercooler schema`, the loader's structure check and the
reference in docs/policy.md all come from this one place, so they cannot drift apart.
`x-fix` (ignored by editors) is the hint the loader prints when a value does not match a pattern.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_ID = "https://watercooler.example/schema/rules.json"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


@dataclass(frozen=True)
class Element:
    name: str          # the key under `$defs`
    title: str
    description: str   # one line
    example: str       # YAML, as an admin writes it
    schema: dict[str, Any]


REGISTRY: dict[str, Element] = {}


def element(name: str, title: str, description: str, example: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Register an element; returns a `$ref` to it for use inside other elements."""
    REGISTRY[name] = Element(name, title, description, example.strip("\n"), schema)
    return ref(name)


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def name_string(what: str) -> dict[str, Any]:
    return {"type": "string", "pattern": NAME_PATTERN, "description": f"the name of a {what}",
            "x-fix": "names use letters, digits, '.', '_' and '-', and start with a letter or digit"}


def strict(properties: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """An object that accepts only the listed keys (so a misspelt key is an error, not ignored)."""
    schema = {"type": "object", "additionalProperties": False, "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def named_map(what: str, value: dict[str, Any], description: str) -> dict[str, Any]:
    """A mapping from names to elements, e.g. `sites: {facebook: {...}}`."""
    return {"type": "object", "description": description, "propertyNames": name_string(what),
            "additionalProperties": value}


def _document(root: str, schema_id: str) -> dict[str, Any]:
    top = REGISTRY[root]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id,
            "title": top.title, "description": top.description, **top.schema,
            "$defs": {name: {"title": e.title, "description": e.description,
                             "markdownDescription": f"{e.description}\n\n```yaml\n{e.example}\n```",
                             **e.schema}
                      for name, e in REGISTRY.items() if name not in ("policy-file", "case-file")}}


def policy_schema() -> dict[str, Any]:
    """The schema of one rules file (any subset of the top-level keys; files are merged)."""
    return _document("policy-file", SCHEMA_ID)


def cases_schema() -> dict[str, Any]:
    """The schema of one test-case file in `rules/tests/`."""
    return _document("case-file", SCHEMA_ID.replace("rules.json", "cases.json"))


from policy.loading import schema_elements  # noqa: E402,F401  (registers the elements; it uses the helpers above)
