"""Sign-in with a directory account: the person's directory password, no second password to keep.

Tried when the panel has a directory and no local account of that name exists: local accounts stay
for break-glass admins, and a directory person can never take one over. The first sign-in creates a
panel account marked as the directory's (it has no panel password, so only the directory can let it
in); each sign-in sets its role afresh: admin for members of the directory's admin group, manager for
anyone the rules name in `managers:`, employee otherwise. Disabling the account in the panel still
locks it out. Throttling, audit and sessions are those of every sign-in (web/auth/views.py).
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from storage.directory import snapshots
from storage.directory.login import check_person
from storage.directory.settings import DirectorySettings
from storage.sign_in.accounts import NAME_PATTERN, User, find_user
from web.policy_source import PolicyUnavailable, current_policy

DIRECTORY_ACCOUNT = "!directory"   # in place of a password hash: never matches a password
logger = logging.getLogger("watercooler.directory")


def is_directory_account(user: User) -> bool:
    return user.password_hash == DIRECTORY_ACCOUNT


def directory_sign_in(db: Session, settings: DirectorySettings, name: str, password: str) -> User | None:
    """The active account of the directory person with this name and password, else None.
    DirectoryError (from storage.directory.ldap) when the directory cannot be asked."""
    local = find_user(db, name)
    if local is not None and not is_directory_account(local):
        return None
    spelled = check_person(settings, name, password)
    if spelled is None:
        return None
    if not NAME_PATTERN.fullmatch(spelled):
        logger.warning("directory: %r cannot be a panel account name (letters, digits, . _ - @ only)", spelled)
        return None
    user = find_user(db, spelled)
    if user is None:
        user = User(name=spelled, role="employee", password_hash=DIRECTORY_ACCOUNT, session_generation=0,
                    active=True)
        db.add(user)
    elif not is_directory_account(user):
        return None
    if not user.active:
        return None
    user.role = _role(db, settings, spelled)
    return user


def _role(db: Session, settings: DirectorySettings, name: str) -> str:
    if settings.admin_group:
        directory = snapshots.load(db)
        if directory is not None and name in directory.people_of(settings.admin_group):
            return "admin"
    try:
        if current_policy().groups_managed_by(name):
            return "manager"
    except PolicyUnavailable:
        pass
    return "employee"
