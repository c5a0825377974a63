"""How a problem prints: FILE:LINE:COL: what; fix — the shape editors turn into links."""
from __future__ import annotations

from policy.loading.problems import PolicyError, Problem
from policy.model import Source


def test_error_and_warning_lines():
    error = Problem("rules/main.yaml", 12, 5, "unknown key 'sites_' in rule 'social-budget'", "did you mean 'sites'?")
    assert str(error) == "rules/main.yaml:12:5: unknown key 'sites_' in rule 'social-budget'; did you mean 'sites'?"
    warning = Problem.at(Source("r.yaml", 3, 1), "site 'x' is not used by any rule", severity="warning")
    assert str(warning) == "r.yaml:3:1: warning: site 'x' is not used by any rule"
    assert error.is_error and not warning.is_error
    assert str(Problem("rules", 0, 0, "no such file or folder", "check the path")) == \
        "rules: no such file or folder; check the path"


def test_policy_error_sorts_and_deduplicates():
    b, a = Problem("b.yaml", 1, 1, "x"), Problem("a.yaml", 9, 1, "y")
    error = PolicyError([b, a, b])
    assert error.problems == [a, b]
    assert str(error) == "a.yaml:9:1: y\nb.yaml:1:1: x"
