"""Panel accounts: who may sign in, with which role, and which sessions are still valid.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106). `session_generation` is part of
every signed-in session: raising it (sign-out, password change, reset, disabling) ends all existing
sessions, so a copied cookie stops working — and re-enabling an account does not lower it again.
Names are unique regardless of case (a unique index on `lower(name)`) and found regardless of case.
A password an admin set (`must_change_password`) is replaced by its owner at first sign-in.
"""
from __future__ import annotations

import contextlib
import re
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, false, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.sign_in.passwords import MAX_PASSWORD, MIN_PASSWORD, check_password_rules  # noqa: F401  (re-exported)
from storage.utc import UTCDateTime, utcnow

ROLES = ("admin", "manager", "employee")
# Account names are the user names the policy's `members:` and `managers:` lists use.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Checking a password against this when the account does not exist costs the same as a real
    check, so the time a sign-in takes does not tell whether the name exists. Made on first use, not
    at import: every command that imports the models would pay for it."""
    return _hasher.hash("watercooler: no such account")


class User(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role IN ('admin', 'manager', 'employee')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def set_password(self, password: str, *, must_change: bool = False) -> None:
        """Store a new password and end every session opened with the old one. `must_change`: an
        admin chose it, so its owner replaces it at their first sign-in."""
        check_password_rules(password, self.name)
        self.password_hash = _hasher.hash(password)
        self.password_changed_at = utcnow()
        self.must_change_password = must_change
        self.end_sessions()

    def disable(self) -> None:
        """No more sign-ins, and every open session ends for good (re-enabling revives none)."""
        if self.active:
            self.active = False
            self.end_sessions()

    def check_password(self, password: str) -> bool:
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):  # parameters were raised since
            self.password_hash = _hasher.hash(password)
        return True

    def end_sessions(self) -> None:
        self.session_generation = (self.session_generation or 0) + 1

    # The shape Flask-Login expects, without importing Flask here (the proxy shares these models).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"


# `alice` and `Alice` are one account: the database refuses the second (migration 0005_sign_in).
Index("uq_accounts_name_lower", func.lower(User.name), unique=True)


def check_name(name: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError("an account name is 1 to 100 letters, digits, '.', '_', '-' or '@', "
                         "starting with a letter or digit")


def new_user(name: str, role: str, password: str, *, must_change: bool = True) -> User:
    """A new account; its password was chosen for it, so by default it must be changed at first sign-in."""
    check_name(name)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    user = User(name=name, role=role, session_generation=0, active=True)
    user.set_password(password, must_change=must_change)
    return user


def find_user(db: Session, name: str) -> User | None:
    """The account with this name, whatever its case (`Alice` finds `alice`)."""
    return db.scalar(select(User).where(func.lower(User.name) == name.lower()))


def authenticate(db: Session, name: str, password: str) -> User | None:
    """The active account with this name and password, or None — in about the same time either way."""
    user = find_user(db, name) if len(password) <= MAX_PASSWORD else None
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password[:MAX_PASSWORD])
        return None
    if not user.check_password(password):
        return None
    return user if user.active else None
