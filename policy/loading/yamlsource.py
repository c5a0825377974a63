"""Stage 1a: from bytes on disk to a YAML node tree, or a precise sentence about why not.

Guards that come before any parsing: a size cap, UTF-8 only, and a regular file (a FIFO would block).
YAML's own syntax errors are translated into a place and a hint; tabs get their own explanation
because PyYAML's wording ("cannot start any token") does not say what to do.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from policy.loading.problems import PolicyError, Problem
from policy.loading.yamltree import YamlDoc, compose_document

MAX_BYTES = 1 << 20     # a policy is text written by people; a megabyte is far beyond any real one

_HINTS = [  # (part of PyYAML's problem text, how to fix it)
    ("mapping values are not allowed", "quote a value that contains ': ', or check this line's indentation"),
    ("could not find expected ':'", "every key needs a ':' after it; check this line and the one before"),
    ("expected <block end>", "check the indentation: entries of one list or mapping must line up"),
    ("undefined alias", "define the anchor (&name) before using it (*name)"),
    ("end of stream", "close the quote or bracket opened earlier"),
    ("expected ',' or", "separate items with ',' and close the bracket"),
    ("duplicate anchor", "give each anchor (&name) its own name"),
]


def load_yaml(path: Path, name: str | None = None) -> YamlDoc:
    """Read and parse one rules file. Raises PolicyError listing what is wrong."""
    name = name or str(path)
    text = _decode(name, _read_bytes(path, name))
    try:
        return compose_document(name, text)
    except yaml.MarkedYAMLError as exc:
        raise PolicyError(_syntax_problems(name, text, exc)) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        raise PolicyError([Problem(name, line, col, f"character U+{exc.character:04X} is not allowed in YAML",
                                   "remove it, or write it as an escape inside double quotes")]) from None
    except RecursionError:
        raise PolicyError([Problem(name, 0, 0, "values are nested too deeply to read",
                                   "flatten the lists and mappings")]) from None


def _read_bytes(path: Path, name: str) -> bytes:
    def fail(message: str, fix: str) -> PolicyError:
        return PolicyError([Problem(name, 0, 0, message, fix)])
    try:
        if not path.exists():
            raise fail("no such file", "check the path")
        if path.is_dir():
            raise fail("is a folder, not a rules file", "give the folder itself, or one *.yaml file in it")
        if not path.is_file():
            raise fail("is not a regular file", "give a rules file written as plain text")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except PermissionError:
        raise fail("cannot be read (permission denied)", "let the user running Watercooler read it") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})", "check the file") from None
    if len(data) > MAX_BYTES:
        raise fail(f"is too large (over {MAX_BYTES // 1024} KiB)",
                   "split the policy into several files in the rules folder")
    return data


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PolicyError([Problem(name, 1, 1, "file is UTF-16 text, not UTF-8", "save it as UTF-8")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PolicyError([Problem(name, line, col,
                                   f"not valid UTF-8 (byte 0x{data[exc.start]:02X} at offset {exc.start})",
                                   "save the file as UTF-8")]) from None
    if "\0" in text:
        line, col = _line_col(text, text.index("\0"))
        raise PolicyError([Problem(name, line, col, "file contains a NUL byte; it is not a text file",
                                   "save the policy as UTF-8 text")])
    return text


def _syntax_problems(name: str, text: str, exc: yaml.MarkedYAMLError) -> list[Problem]:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = exc.problem or exc.context or "unreadable YAML"
    if "'\\t'" in problem:
        tabs = _tab_problems(name, text)
        if all(p.line != line for p in tabs):
            tabs.append(Problem(name, line, col, "tab character between items",
                                "YAML separates with spaces only; replace the tab with a space"))
        return tabs
    fix = next((hint for part, hint in _HINTS if part in problem), "check the YAML syntax around here")
    return [Problem(name, line, col, f"YAML syntax error: {problem}", fix)]


def _tab_problems(name: str, text: str) -> list[Problem]:
    """Every line indented with a tab: each one stops the parser, so report them all at once."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(name, number, indent.index("\t") + 1, "tab in indentation",
                                    "YAML indents with spaces only; replace the tab with spaces"))
    return problems


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
