"""What `watercooler explain` takes from the database: adjustments, grants, minutes used, directory groups.

The same reads the panel and the proxy make (storage/changes/overrides.py, storage/quota/reads.py), so the
decision explained is the one enforced. A default database that does not exist yet means the rules
alone, said so; a database named with --db that cannot be read is an error.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from policy.changes.effective import Effective, combine, filled


class DatabaseUnreadable(Exception):
    """One sentence: which database, what went wrong, what to do."""


@dataclass
class Sources:
    """Where an explanation's inputs come from: `session` None means the rules alone."""
    base: Any
    where: str | None = None        # the database, password hidden
    session: Any = None
    missing: str | None = None      # why no database is used although none was refused

    def effective(self, at: datetime) -> Effective:
        if self.session is None:
            return combine(self.base)
        from storage.changes.overrides import effective_at
        return self._read(lambda: effective_at(self.session, self.base, at))

    def used(self, user: str | None, at: datetime) -> Callable[[str, datetime], int] | None:
        """The recorded minutes of `user` as the proxy counts them (None: no database)."""
        if self.session is None:
            return None
        from storage.quota.reads import used_minutes
        reads = used_minutes(self.session, user, at)
        return lambda rule, start: self._read(lambda: reads(rule, start))

    def _read(self, read: Callable[[], Any]) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        from storage.writer.health import describe_error
        try:
            return read()
        except SQLAlchemyError as exc:
            raise DatabaseUnreadable(f"cannot read adjustments, grants and minutes from {self.where}: "
                                     f"{describe_error(exc)} (run `watercooler db upgrade --db URL` on a new "
                                     "database, or give --rules-only)") from None

    def close(self) -> None:
        if self.session is not None:
            engine = self.session.get_bind()
            self.session.close()
            engine.dispose()


def open_sources(base: Any, url: str | None, rules_only: bool) -> Sources:
    """The database `url` names (else the configured one); DatabaseUnreadable when it cannot be used."""
    if rules_only:
        return Sources(base)
    from sqlalchemy.orm import Session

    from storage.db import StorageError, describe, make_engine, resolve_url
    try:
        resolved = resolve_url(url)
    except StorageError as exc:
        raise DatabaseUnreadable(str(exc)) from None
    where = describe(resolved)
    if resolved.get_backend_name() == "sqlite" and not Path(resolved.database or "").exists():
        if url:
            raise DatabaseUnreadable(f"no database at {resolved.database}: give the database the proxy and "
                                     "the panel use, or --rules-only")
        return Sources(base, where, missing=f"no database at {resolved.database} yet")
    try:
        sources = Sources(base, where, Session(make_engine(resolved)))
    except StorageError as exc:
        raise DatabaseUnreadable(str(exc)) from None
    if any(group.directory for group in base.doc.groups.values()):
        from storage.directory.snapshots import load
        snapshot = sources._read(lambda: load(sources.session))
        sources.base = filled(base, snapshot)   # directory groups with their members as the proxy has them
    return sources


def using(sources: Sources, effective: Effective, user: str | None, decision: Any, given: bool) -> str | None:
    """'using 2 adjustments, 1 grant and 25 minutes used today from URL' (None: the rules alone, asked for)."""
    if sources.session is None:
        return f"using the rules only: {sources.missing}" if sources.missing else None
    groups = effective.policy.groups_of(user) if user is not None else frozenset()
    adjustments = sum(1 for adjustment in effective.adjustments if adjustment.group in groups)
    grants = sum(1 for grant in effective.grants if grant.user == user)
    parts = [_count(adjustments, "adjustment"), _count(grants, "grant")]
    quota = decision.quota
    if quota is not None:
        period = "today" if quota.per == "day" else "this week"
        parts.append(f"{quota.used} minutes used {period}" + (" (given with --used)" if given else ""))
    return f"using {', '.join(parts[:-1])} and {parts[-1]} from {sources.where}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
