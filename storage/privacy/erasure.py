"""The one way past the audit trail's append-only guard: erasing names, addresses and old records.

The database refuses every change to `audit` unless the changing transaction holds a row in
`audit_erasures` (see `storage.audit.APPEND_ONLY_DDL`), and even then it refuses to change a record's
id, time or action. `erasing_audit` adds that row and removes it again before the caller commits, so
no other transaction ever sees it: retention and `watercooler forget` can remove who and where, and
nothing else in the product can touch history.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Integer, String, delete, insert
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class AuditErasure(Base):
    __tablename__ = "audit_erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    why: Mapped[str] = mapped_column(String(64))      # "retention" or "forget"; never a name


@contextmanager
def erasing_audit(conn: Connection, why: str) -> Iterator[None]:
    """Inside the caller's transaction: audit records may be deleted, and their actor, target,
    before, after and source rewritten. On an error the caller's rollback removes the row too."""
    conn.execute(insert(AuditErasure).values(why=why))
    yield
    conn.execute(delete(AuditErasure))


def is_address(source: str | None) -> bool:
    """Audit sources are client addresses, or labels such as "command line (root)" and "demo seed",
    which always hold a space; an address never does."""
    return source is not None and source != "" and " " not in source


def name_pattern(name: str) -> re.Pattern[str]:
    """`name` as a whole word: not inside a longer name ("al" is not in "alan" or "al@corp")."""
    return re.compile(r"(?<![\w.@-])" + re.escape(name) + r"(?![\w.@-])")


def replace_name(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    """`value` (a JSON document) with every occurrence of the name replaced, keys and strings alike."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [replace_name(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {replace_name(key, pattern, replacement): replace_name(item, pattern, replacement)
                for key, item in value.items()}
    return value
