"""`watercooler test`: run the policy's test cases (RULES/tests/*.yaml) and say what they leave untested."""
from __future__ import annotations

import argparse
import sys

from cli import rules_folder
from policy.cases import DEFAULT, Report, run_folder


def register(subparsers) -> None:
    parser = subparsers.add_parser("test", help="run the test cases in RULES/tests/*.yaml",
                                   description=__doc__.split(":", 1)[1].strip())
    rules_folder.add_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    policy = rules_folder.load(args, "test")
    if policy is None:
        return 1
    tests = rules_folder.folder(args) / "tests"
    rule_names = [rule.name for rule in policy.doc.rules]
    report = run_folder(policy, tests, policy.timezone, rule_names)
    print_report(report)
    if not report.results and not report.problems:
        print(f"no test cases in {tests}; add a file like {tests}/lunch.yaml with a `cases:` list")
        return 1
    return 0 if report_ok(report) else 1


def report_ok(report: Report) -> bool:
    return not report.problems and all(result.passed for result in report.results)


def print_report(report: Report, out=sys.stdout) -> None:
    for result in report.results:
        case = result.case
        if result.passed:
            print(f"PASS  {case.name}", file=out)
        else:
            print(f"FAIL  {case.name}  ({case.source})\n      {result.difference}", file=out)
    for problem in report.problems:
        print(f"ERROR {problem}", file=out)
    if report.unexercised:
        names = ", ".join("the default" if name == DEFAULT else name for name in report.unexercised)
        print(f"Not exercised by any case: {names}", file=out)
    passed = sum(result.passed for result in report.results)
    failed = len(report.results) - passed + len(report.problems)
    print(f"{passed} passed, {failed} failed", file=out)
