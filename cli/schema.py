"""`watercooler schema`: print the JSON Schema of rules files, for editors' YAML completion.

`--cases` prints the schema of test-case files instead; `--markdown` prints the element reference
that docs/policy.md includes.
"""
from __future__ import annotations

import argparse
import json

from policy.loading.schema import cases_schema, policy_schema
from policy.loading.schemadoc import element_reference


def register(subparsers) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of rules files (for editors)",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--cases", action="store_true", help="the schema of test-case files (rules/tests/*.yaml)")
    kind.add_argument("--markdown", action="store_true", help="the language reference, as Markdown")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(element_reference(), end="")
    else:
        print(json.dumps(cases_schema() if args.cases else policy_schema(), indent=2, ensure_ascii=False))
    return 0
