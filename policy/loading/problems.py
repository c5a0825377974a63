"""What is wrong with a rules file, where, and how to fix it: the currency of every loading stage.

A `Problem` prints as `FILE:LINE:COL: what is wrong; how to fix`, the shape editors and terminals
turn into clickable locations. Warnings carry `warning:` after the location, like compilers do.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from policy.model import Source

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int                   # 1-based; 0 when the problem is about the file or folder as a whole
    col: int                    # 1-based; 0 when unknown
    message: str                # what is wrong, with what was found
    fix: str = ""               # how to fix it
    severity: Severity = "error"

    @classmethod
    def at(cls, source: Source, message: str, fix: str = "", severity: Severity = "error") -> Problem:
        return cls(source.file, source.line, source.col, message, fix, severity)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def where(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col or 1}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.message)

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        text = f"{self.where}: {label}{self.message}"
        return f"{text}; {self.fix}" if self.fix else text


class PolicyError(Exception):
    """The rules cannot be loaded. `problems` lists every error found (sorted by place)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(set(problems), key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid policy")


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


class Invalid(ValueError):
    """A value that cannot be accepted, with the hint to fix it; the caller knows where it was written."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message, self.fix = message, fix
