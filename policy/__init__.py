"""Watercooler's policy: the YAML language admins write, and the engine that decides.

Pure: nothing here imports mitmproxy, Flask or SQLAlchemy, and deciding does no I/O.

    policy = policy.load("rules")          # a folder of *.yaml, or one file; PolicyError if invalid
    decision = policy.decide("alice", "https://www.facebook.com/", at)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from policy.loading.loader import check_policy, load_doc
from policy.loading.problems import PolicyError, Problem

if TYPE_CHECKING:
    from policy.engine.engine import Policy

__all__ = ["PolicyError", "Problem", "check_policy", "load", "load_doc"]


def load(path: str | Path) -> Policy:
    """The compiled policy at `path` (a rules folder or one file); PolicyError lists every error."""
    from policy.engine.engine import Policy  # imported here: loading works without the engine's imports
    return Policy.from_doc(load_doc(path))
