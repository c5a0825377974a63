"""The policy as written, after validation: immutable values that remember where they came from.

The loader (yaml → structure → schema → semantics) produces a `PolicyDoc`; the compiler turns it into
lookup structures. Nothing here does I/O or knows about mitmproxy, Flask or SQLAlchemy.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from ipaddress import IPv4Network, IPv6Network

from policy.actions import NAMES as ACTIONS, OUTCOMES  # noqa: F401  (described in policy/actions.py)


@dataclass(frozen=True, slots=True)
class Source:
    """A place in a rules file: 1-based line and column."""
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Category:
    name: str
    label: str
    internal: bool
    source: Source


@dataclass(frozen=True)
class Site:
    name: str
    label: str
    category: str
    domains: tuple[str, ...]   # canonical host names; each matches itself and its subdomains
    bundle: tuple[str, ...]    # asset/CDN hosts: decided like the site, never counted as use
    source: Source


@dataclass(frozen=True)
class Group:
    name: str
    members: frozenset[str]    # direct members only; `include` is resolved by the compiler
    managers: frozenset[str]
    include: tuple[str, ...]
    source: Source
    directory: str | None = None                     # the directory group's DN, as written
    directory_members: frozenset[str] = frozenset()  # filled from a directory snapshot (policy/changes/directory.py)
    directory_at: Source | None = None               # where `directory:` is written


@dataclass(frozen=True)
class Network:
    name: str
    cidrs: tuple[IPv4Network | IPv6Network, ...]
    source: Source


@dataclass(frozen=True)
class Window:
    """One stretch of time. `days` (0 = Monday) or `dates`; minutes since local midnight.

    `end <= start` crosses midnight; the window then belongs to the day it starts on.
    """
    days: frozenset[int] | None
    dates: frozenset[date] | None
    start: int                  # 0 .. 1439
    end: int                    # 1 .. 1440
    source: Source


@dataclass(frozen=True)
class Schedule:
    name: str
    windows: tuple[Window, ...]
    source: Source


@dataclass(frozen=True)
class Quota:
    minutes: int
    per: str                    # "day" | "week" (weeks start on Monday)


@dataclass(frozen=True)
class GrantBound:
    """How long managers may open the rule's sites to one person, and to whom (policy/changes/grants.py)."""
    hours: int                  # the longest grant, 1 .. 720 (30 days)
    to: tuple[str, ...]         # group names; () = everyone the rule applies to


@dataclass(frozen=True)
class Adjustable:
    """What managers of the rule's groups may change for their own group (None: not adjustable)."""
    minutes: tuple[int, int] | None
    actions: tuple[str, ...] | None
    when: tuple[str, ...] | None
    grant: GrantBound | None = None

    @property
    def tunable(self) -> bool:
        """Whether there is a value to tune per group (a grant alone is given per person instead)."""
        return bool(self.minutes or self.actions or self.when)


@dataclass(frozen=True)
class Rule:
    name: str
    who: tuple[str, ...]        # as written: user:N, group:N, network:N, anonymous, everyone; () = everyone
    sites: tuple[str, ...]      # as written: NAME, category:NAME, domain:CANONICAL-DOMAIN
    when: tuple[str, ...]       # schedule names; () = always
    except_: tuple[str, ...]    # schedule names
    action: str                 # one of ACTIONS
    quota: Quota | None
    remember: int | None        # warn: minutes a "Continue" lasts
    adjustable: Adjustable | None
    message: str | None
    source: Source


@dataclass(frozen=True)
class Unnamed:
    """Who may reach a destination known only by its address, when nothing inside can be seen.

    `allow` holds who entries (user:N, group:N, network:N, anonymous, everyone) and the word
    `unrestricted`: people no rule can give anything but a plain allow. () refuses everyone."""
    allow: tuple[str, ...]
    source: Source | None = None


UNRESTRICTED = "unrestricted"
UNNAMED_WORDS = {UNRESTRICTED: (UNRESTRICTED,), "block": (), "allow": ("everyone",)}   # shorthands for `allow`
UNNAMED_DEFAULT = Unnamed((UNRESTRICTED,))


@dataclass(frozen=True)
class PolicyDoc:
    version: int
    timezone: str               # IANA zone name
    categories: Mapping[str, Category]
    sites: Mapping[str, Site]
    groups: Mapping[str, Group]
    networks: Mapping[str, Network]
    schedules: Mapping[str, Schedule]
    rules: tuple[Rule, ...]     # in order: the first that matches decides
    default: str                # "allow" | "block"
    files: tuple[str, ...]      # the files merged into this policy
    # Not part of what is decided (policy/review/removals.py): whether any file has a `rules:` key, where `default:` is,
    # and the removals the admin confirmed with `confirm-removal:` ("rule:NAME", "file:NAME.yaml", ...), and where.
    rules_written: bool = True
    confirmed: tuple[str, ...] = ()
    confirmed_at: Source | None = None
    default_at: Source | None = None   # where `default:` is written; None: not written (allow)
    unnamed: Unnamed = UNNAMED_DEFAULT   # connections that name no site (see policy/unnamed.py)
