"""The elements of the rules language: each has a title and a description, and its example fits its schema."""
from __future__ import annotations

import textwrap

import pytest
from jsonschema import Draft202012Validator

from policy.loading.schema import REGISTRY, cases_schema, policy_schema
from policy.loading.yamltree import compose_document


def _instances(name: str):
    """The example of an element as the value it documents (examples show it under its key)."""
    data = compose_document("example", REGISTRY[name].example).data
    if isinstance(data, list):
        return data
    if name in ("quota", "warn", "adjustable", "grant"):
        return [data[name]]
    return list(data.values()) if name not in ("policy-file", "case-file") else [data]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_example_fits_its_element(name):
    element = REGISTRY[name]
    assert element.description and element.title
    schema = policy_schema() if name == "policy-file" else cases_schema() if name == "case-file" else {
        "$defs": policy_schema()["$defs"], "$ref": f"#/$defs/{name}"}
    for instance in _instances(name):
        assert list(Draft202012Validator(schema).iter_errors(instance)) == [], textwrap.indent(element.example, "  ")
