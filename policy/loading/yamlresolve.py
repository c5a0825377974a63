"""Which plain YAML scalars are not text: the YAML 1.2 core schema, not PyYAML's YAML 1.1 default.

Under YAML 1.1, `17:30` is the number 1050 (base 60), `2026-12-24` a date and `no` false. In a
policy those are a time, a date and a word, so only true/false, null, decimal/0o/0x integers and
floats are resolved; everything else stays text for the later stages to read.
"""
from __future__ import annotations

import re
from typing import Any, ClassVar

from yaml.resolver import BaseResolver

CORE = "tag:yaml.org,2002:"


class CoreResolver(BaseResolver):
    # Its own table, not BaseResolver's, filled below. PyYAML's stubs declare it per instance; it is a class table.
    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}  # type: ignore[misc]


for _tag, _pattern, _first in [
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
              r"|\.(?:nan|NaN|NAN)", "-+0123456789."),
    ("merge", r"<<", "<"),
]:
    CoreResolver.add_implicit_resolver(CORE + _tag, re.compile(rf"^(?:{_pattern})$"), list(_first))
