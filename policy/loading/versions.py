"""A short, stable fingerprint of a policy's content, for the panel's status and the proxy's logs.

Stable across processes (sets are sorted, not hashed) and blind to where things were written:
moving a rule to another file or line keeps the version; changing what it says changes it. What only
guards reloads (`confirm-removal`, whether `rules:` was written) does not count.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from policy.model import PolicyDoc

_IGNORED = frozenset({"source", "files", "rules_written", "confirmed", "confirmed_at", "default_at",
                      "directory_members", "directory_at"})   # data from the directory, not the rules as written


def doc_version(doc: PolicyDoc) -> str:
    text = json.dumps(_plain(doc), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in _IGNORED}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)   # IP networks and the like
