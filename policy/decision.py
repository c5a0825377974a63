"""What the engine answers, and why: the contract between the engine, the proxy and the panel."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class TraceStep:
    """One rule the engine considered, in order, and why it did or did not decide."""
    rule: str
    matched: bool
    why: str


@dataclass(frozen=True)
class QuotaStatus:
    limit: int                  # minutes per period
    used: int
    remaining: int
    per: str                    # "day" | "week"
    period_start: datetime      # aware, in the policy's zone
    resets_at: datetime         # aware, in the policy's zone


@dataclass(frozen=True)
class Alternative:
    """An internal-community site open to this user right now."""
    site: str
    label: str
    url: str


@dataclass(frozen=True)
class Decision:
    action: str                 # the outcome for this request: allow | block | warn
    rule: str | None            # the deciding rule, None when the default decided
    rule_action: str            # that rule's action (allow, block, warn, quota, read-only) or the default
    site: str | None
    category: str | None
    host: str                   # the canonical host that was decided
    bundle: bool                # an asset host of the site: decided like it, never counted as use
    reason: str                 # a sentence for the employee
    message: str | None         # the rule's own message
    until: datetime | None      # next moment the decision for this user and site changes (≤ 7 days)
    quota: QuotaStatus | None
    alternatives: tuple[Alternative, ...] = ()
    trace: tuple[TraceStep, ...] = ()
    remember: int | None = None  # warn: minutes a Continue lasts
    internal: bool = False       # the site is part of the company's own community
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def needs_interception(self) -> bool:
        """True when the proxy must see each request (a page to show, methods or minutes to count)."""
        return self.rule_action != "allow" or self.action != "allow"

    def to_json(self) -> dict:
        """A JSON-ready dict (datetimes as ISO 8601 with offset)."""
        raise NotImplementedError  # filled in by the engine work (issue #2)
