"""Loading a policy: a rules folder (every *.yaml directly in it) or one file → a validated `PolicyDoc`.

Stages, each reporting every problem it finds before loading stops: read and parse each file safely
(yamlsource), check each file's shape (structure), merge the files (merge), then references and
meaning (semantics). `tests/` inside the folder holds test cases, not policy, and is not read.
"""
from __future__ import annotations

from pathlib import Path

from policy.loading.merge import merge
from policy.loading.problems import PolicyError, Problem
from policy.loading.semantics import build_doc
from policy.loading.structure import check_structure
from policy.loading.yamlsource import load_yaml
from policy.model import PolicyDoc
from policy.review import removals
from policy.review.removals import Inventory

SUFFIXES = (".yaml", ".yml")


def load_doc(path: str | Path) -> PolicyDoc:
    """The validated policy at `path`; PolicyError listing every error otherwise."""
    path = Path(path)
    docs, problems = [], []
    for file in rule_files(path):
        try:
            doc = load_yaml(file)
        except PolicyError as exc:
            problems += exc.problems
            continue
        problems += check_structure(doc)
        docs.append(doc)
    _stop_on_errors(problems)
    merged, problems = merge(docs)
    try:
        built = build_doc(merged, str(path))
    except PolicyError as exc:
        problems += exc.problems
    _stop_on_errors(problems)
    return built


def check_policy(path: str | Path, last_good: Inventory | None = None) -> tuple[PolicyDoc | None, list[Problem]]:
    """Everything `watercooler check` reports: the errors, or else the warnings of a loadable policy.

    Rules the proxy would refuse are errors here too: no `rules:` key at all, and (given the
    inventory the proxy last enforced, policy/loading/manifest.py) a lost file or entry not confirmed."""
    from policy.review.lint import lint
    try:
        doc = load_doc(path)
    except PolicyError as exc:
        return None, exc.problems
    errors = removals.no_rules(doc, str(path)) + (removals.lost(last_good, doc, str(path)) if last_good else [])
    if errors:
        return None, sorted(errors, key=Problem.sort_key)
    return doc, sorted(lint(doc) + removals.stale(doc), key=Problem.sort_key)


def rule_files(path: Path) -> list[Path]:
    """The files that make up the policy at `path`, in the order their rules are read."""
    def fail(message: str, fix: str) -> PolicyError:
        return PolicyError([Problem(str(path), 0, 0, message, fix)])
    try:
        if not path.exists():
            raise fail("no such file or folder", "give the rules folder, or one rules file")
        if not path.is_dir():
            return [path]
        files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
    except PermissionError:
        raise fail("cannot be read (permission denied)", "let the user running Watercooler read it") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})", "check the path") from None
    if not files:
        raise fail("holds no *.yaml files", "put the policy in one or more .yaml files directly in this folder")
    return files


def _stop_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise PolicyError(problems)
