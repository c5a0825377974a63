"""`watercooler schema`: the JSON Schema editors use, the case-file schema, and the Markdown reference."""
from __future__ import annotations

import json

from policy.loading.schema import cases_schema, policy_schema
from policy.loading.schemadoc import element_reference
from tests.support.cli_run import watercooler


def test_prints_the_rules_schema():
    result = watercooler("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == policy_schema()


def test_prints_the_cases_schema_and_the_reference():
    assert json.loads(watercooler("schema", "--cases").stdout) == cases_schema()
    assert watercooler("schema", "--markdown").stdout == element_reference()
