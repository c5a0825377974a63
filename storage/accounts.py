"""Panel accounts: who may sign in, with which role, and which sessions are still valid.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106). `session_generation` is part of
every signed-in session: raising it (sign-out, password change, reset) ends all existing sessions,
so a copied cookie stops working.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, CheckConstraint, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.utc import UTCDateTime, utcnow

ROLES = ("admin", "manager", "employee")
# Account names are the user names the policy's `members:` and `managers:` lists use.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024   # argon2 accepts anything; a bound keeps one request from costing megabytes

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

    def set_password(self, password: str) -> None:
        """Store a new password and end every session opened with the old one."""
        check_password_rules(password)
        self.password_hash = _hasher.hash(password)
        self.password_changed_at = utcnow()
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


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def check_name(name: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError("an account name is 1 to 100 letters, digits, '.', '_', '-' or '@', "
                         "starting with a letter or digit")


def new_user(name: str, role: str, password: str) -> User:
    check_name(name)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    user = User(name=name, role=role, session_generation=0, active=True)
    user.set_password(password)
    return user


def find_user(db: Session, name: str) -> User | None:
    return db.scalar(select(User).where(User.name == name))


def authenticate(db: Session, name: str, password: str) -> User | None:
    """The active account with this name and password, or None — in about the same time either way."""
    user = find_user(db, name) if len(password) <= MAX_PASSWORD else None
    if user is None:
        try:
            _hasher.verify(_dummy_hash(), password[:MAX_PASSWORD])
        except VerificationError:
            pass
        return None
    if not user.check_password(password):
        return None
    return user if user.active else None
