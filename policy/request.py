"""A request to decide, as an admin writes it (a test case, an `explain` flag, a batch line).

Turns text into the values `Policy.decide` takes, with one sentence per mistake (ValueError), so the
case files, `explain` and `explain --batch` accept and reject exactly the same things.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from ipaddress import ip_address
from typing import Any

from policy.engine.hosts import authority_of, host_of, is_address

_METHOD = re.compile(r"[A-Za-z]{1,20}")


@dataclass(frozen=True)
class Request:
    user: str | None            # None: anonymous
    url: str
    at: datetime                # aware
    method: str = "GET"
    ip: str | None = None
    used: int = 0               # minutes already used in the current quota period
    continued: bool = False     # the user pressed Continue on a warning
    no_ca: bool = False         # the proxy cannot look inside (watercooler_no_ca): a bare address is "unnamed"


def parse_user(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"a user name must be text (found {type(value).__name__})")
    text = str(value).strip()
    if not text:
        raise ValueError("the user name is empty; omit it for an anonymous request")
    return text


def parse_url(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a URL must be text like https://www.example.com/ (found {value!r})")
    host_of(value.strip())   # ValueError names what is wrong with the host
    return value.strip()


def parse_at(value: object, zone: tzinfo) -> datetime:
    """ISO 8601; without an offset it is local time in the policy's zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not a date and time: {value!r}; write it like 2026-11-26T12:15 "
                             "(policy-local) or 2026-11-26T12:15+01:00") from None
    else:
        raise ValueError(f"a time must be text like 2026-11-26T12:15 (found {value!r})")
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def parse_method(value: object) -> str:
    if not isinstance(value, str) or not _METHOD.fullmatch(value.strip()):
        raise ValueError(f"not an HTTP method: {value!r}; use GET, POST, PUT, DELETE, ...")
    return value.strip().upper()


def parse_ip(value: object) -> str | None:
    if value is None:
        return None
    try:
        return str(ip_address(str(value).strip()))
    except ValueError:
        raise ValueError(f"not an IP address: {value!r}; write it like 10.20.0.5 or fd00::5") from None


def parse_used(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"minutes used must be a whole number (found {value!r})")
    try:
        minutes = int(value)
    except ValueError:
        raise ValueError(f"minutes used must be a whole number (found {value!r})") from None
    if minutes < 0:
        raise ValueError(f"minutes used cannot be negative (found {minutes})")
    return minutes


def parse_continued(value: object, name: str = "continued") -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes")
    raise ValueError(f"`{name}` is true or false (found {value!r})")


def parse_no_ca(value: object) -> bool:
    return parse_continued(value, "no_ca")


def unnamed(request: Request) -> bool:
    """Whether the policy's `unnamed` setting decides this request (a bare address, nothing seen inside)."""
    return request.no_ca and is_address(authority_of(request.url))


def decide(policy: Any, request: Request) -> Any:
    """The policy's decision for this request."""
    if unnamed(request):
        return policy.decide_unnamed(request.user, request.url, request.at, client_ip=request.ip)
    return policy.decide(request.user, request.url, request.at, method=request.method,
                         client_ip=request.ip, used_minutes=request.used, continued=request.continued)
