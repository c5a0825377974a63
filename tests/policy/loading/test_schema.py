"""The JSON Schema: valid draft 2020-12, accepts the sample rules, gives editors hints, matches docs/."""
from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from policy.loading.schema import cases_schema, policy_schema
from policy.loading.yamltree import compose_document
from tests.support.cli_run import RULES


def test_both_schemas_are_valid_draft_2020_12():
    for schema in (policy_schema(), cases_schema()):
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_sample_rules_and_cases_fit():
    rules, cases = Draft202012Validator(policy_schema()), Draft202012Validator(cases_schema())
    for path in RULES.glob("*.yaml"):
        assert list(rules.iter_errors(compose_document(str(path), path.read_text()).data)) == [], path
    for path in (RULES / "tests").glob("*.yaml"):
        assert list(cases.iter_errors(compose_document(str(path), path.read_text()).data)) == [], path


def test_editor_hints_are_there():
    rule = policy_schema()["$defs"]["rule"]
    assert rule["additionalProperties"] is False
    assert rule["properties"]["action"]["enum"] == ["allow", "block", "warn", "quota", "read-only"]
    assert "```yaml" in rule["markdownDescription"]
    window = policy_schema()["$defs"]["window"]["properties"]
    assert window["from"]["pattern"] == r"^\d{1,2}:\d{2}$"


def test_the_committed_schema_files_are_up_to_date():
    docs = RULES.parent / "docs"
    for name, schema in (("rules.schema.json", policy_schema()), ("cases.schema.json", cases_schema())):
        assert json.loads((docs / name).read_text(encoding="utf-8")) == schema, \
            f"run: watercooler schema{' --cases' if 'cases' in name else ''} > docs/{name}"
