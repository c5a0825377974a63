"""Check a person's directory password: find their entry by log-in name, then bind as them.

The service account finds the entry (`USER_ATTRIBUTE=name` under the people base); the password is
then checked by a bind as that entry, over the same TLS, so Watercooler never sees a stored password.
A name that matches no entry or several, and a wrong password, are all "no" (None); a directory that
cannot be asked is a DirectoryError, so callers can tell "wrong" from "cannot check now".
"""
from __future__ import annotations

from ldap3.utils.conv import escape_filter_chars

from storage.directory.ldap import WrongPassword, bound, search
from storage.directory.settings import DirectorySettings

MAX_PASSWORD = 1024


def check_person(settings: DirectorySettings, name: str, password: str) -> str | None:
    """The person's log-in name as the directory spells it when `password` is theirs, else None."""
    if not name or not password or len(password) > MAX_PASSWORD:
        return None     # an empty password would be an anonymous bind, which always "succeeds"
    attribute = settings.user_attribute
    with bound(settings) as connection:
        found = list(search(connection, settings, settings.user_base,
                            f"({attribute}={escape_filter_chars(name)})", [attribute]))
    if len(found) != 1:
        return None
    dn, attributes = found[0]
    values = attributes.get(attribute) or []
    spelled = str(values[0] if isinstance(values, list) else values).strip()
    try:
        with bound(settings, dn, password):
            pass
    except WrongPassword:
        return None
    return spelled
