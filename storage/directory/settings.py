"""Where the company directory is and how to read it: one set of settings for the panel, proxy and CLI.

Read from `WATERCOOLER_DIRECTORY_*` variables (or the panel's config, with the same names without the
`WATERCOOLER_` prefix). No `DIRECTORY_URL`: no directory, the rules' groups are what is listed in YAML.
A mistake is a DirectorySettingsError naming the variable and what to write instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PREFIX = "WATERCOOLER_"
GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))"
USER_ATTRIBUTES = ("uid", "sAMAccountName", "userPrincipalName", "mail", "cn")


class DirectorySettingsError(ValueError):
    """A directory setting an admin must fix; the message names the variable."""


@dataclass(frozen=True)
class DirectorySettings:
    url: str                          # ldap://host[:port] (StartTLS) or ldaps://host[:port]
    bind_dn: str | None               # None: anonymous reads
    password: str | None = None       # read from DIRECTORY_PASSWORD_FILE; never logged
    group_base: str = ""
    user_base: str = ""
    user_attribute: str = "uid"       # the log-in name: uid, sAMAccountName, mail...
    member_attribute: str = "member"  # member (groupOfNames, AD), uniqueMember
    group_filter: str = GROUP_FILTER
    starttls: bool = True             # ldap:// only; ldaps:// is TLS from the start
    ca_file: str | None = None        # None: the system's trusted CAs
    refresh: int = 300                # seconds between syncs
    timeout: int = 5                  # seconds to connect, and for each answer
    admin_group: str | None = None    # DN whose members are panel admins

    @property
    def tls(self) -> str:
        """'ldaps', 'starttls', or 'none' (plain LDAP: testing only, passwords cross the wire)."""
        return "ldaps" if self.url.lower().startswith("ldaps://") else ("starttls" if self.starttls else "none")

    def describe(self) -> str:
        return f"{self.url} ({self.tls}), groups under {self.group_base}, names from {self.user_attribute}"


def from_environ(environ: Mapping[str, str]) -> DirectorySettings | None:
    """The settings in `WATERCOOLER_DIRECTORY_*` variables; None when no directory is configured."""
    return from_mapping({key.removeprefix(PREFIX): value for key, value in environ.items() if key.startswith(PREFIX)})


def from_mapping(config: Mapping[str, Any]) -> DirectorySettings | None:
    """The settings from `DIRECTORY_*` keys (the panel's config); None without `DIRECTORY_URL`."""
    def get(name: str, default: Any = None) -> Any:
        value = config.get("DIRECTORY_" + name)
        return default if value in (None, "") else value

    url = str(get("URL", "")).strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("ldap", "ldaps") or not parts.hostname:
        raise _error("URL", f"{url!r} is not an LDAP URL", "write ldap://HOST[:PORT] (StartTLS) or ldaps://HOST[:PORT]")
    group_base = str(get("GROUP_BASE", "")).strip()
    if not group_base:
        raise _error("GROUP_BASE", "is not set",
                     "write the DN under which groups live, e.g. ou=groups,dc=example,dc=com")
    user_attribute = str(get("USER_ATTRIBUTE", "uid")).strip()
    if user_attribute.lower() not in {name.lower() for name in USER_ATTRIBUTES}:
        raise _error("USER_ATTRIBUTE", f"{user_attribute!r} is not supported",
                     "use one of " + ", ".join(USER_ATTRIBUTES))
    return DirectorySettings(
        url=url, bind_dn=get("BIND_DN"), password=_password(get("PASSWORD_FILE")), group_base=group_base,
        user_base=str(get("USER_BASE", "")).strip() or _parent_of(group_base), user_attribute=user_attribute,
        member_attribute=str(get("MEMBER_ATTRIBUTE", "member")).strip(),
        group_filter=str(get("GROUP_FILTER", GROUP_FILTER)),
        starttls=_flag("STARTTLS", get("STARTTLS", True)), ca_file=get("CA_FILE"),
        refresh=_seconds("REFRESH", get("REFRESH", 300)), timeout=_seconds("TIMEOUT", get("TIMEOUT", 5)),
        admin_group=get("ADMIN_GROUP"))


def _password(path: Any) -> str | None:
    if path is None:
        return None
    try:
        return Path(str(path)).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise _error("PASSWORD_FILE", f"cannot read {path}: {exc.strerror}",
                     "point it at a file holding the bind password (readable by this user only)") from None


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise _error(name, f"{value!r} is not true or false", "write true or false")
    return text in ("true", "1", "yes")


def _seconds(name: str, value: Any) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        seconds = 0
    if seconds < 1:
        raise _error(name, f"{value!r} is not a number of seconds", "write a whole number of seconds, at least 1")
    return seconds


def _parent_of(dn: str) -> str:
    """`ou=groups,dc=example,dc=com` → `dc=example,dc=com`: people are usually beside the groups."""
    return dn.split(",", 1)[1] if "," in dn else dn


def _error(name: str, problem: str, fix: str) -> DirectorySettingsError:
    return DirectorySettingsError(f"{PREFIX}DIRECTORY_{name} {problem}; {fix}")
