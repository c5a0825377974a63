"""What the engine answers, and why: the contract between the engine, the proxy and the panel."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policy.engine.sitemap import HostMatch
    from policy.model import Rule


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


class _Explained:
    """A field the engine may leave to be worked out on first read, and then kept.

    Most decisions are enforced without anyone reading the sentence (`reason`), where else to go
    (`alternatives`) or why (`trace`), and working those out costs more than deciding. The engine's
    `build` stores `_why`, the facts it decided on, whose `explain_<field>()` method gives the value
    (`policy.engine.why.Why`); a Decision made the ordinary way holds its values like any dataclass."""

    def __init__(self, make: Callable[[Any], Any] | None = None, default: Any = AttributeError) -> None:
        self.make = make            # turns what is given or explained into the stored value
        self.default = default      # AttributeError: the field has no default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot, self.method = name, f"_{name}", f"explain_{name}"

    def __get__(self, decision: Any, owner: type | None = None) -> Any:
        if decision is None:
            if self.default is AttributeError:
                raise AttributeError(self.name)
            return self.default
        values = decision.__dict__
        try:
            return values[self.slot]
        except KeyError:
            explain = getattr(values["_why"], self.method, None)
            if explain is None:             # an explainer that predates the field
                if self.default is AttributeError:
                    raise AttributeError(self.name) from None
                return self.default
            value = explain()
            value = values[self.slot] = self.make(value) if self.make else value
            return value

    def __set__(self, decision: Any, value: Any) -> None:
        decision.__dict__[self.slot] = self.make(value) if self.make else value


@dataclass(frozen=True)
class Decision:
    action: str                 # the outcome for this request: allow | block | warn
    rule: str | None            # the deciding rule, None when the default decided
    rule_action: str            # that rule's action (allow, block, warn, quota, read-only) or the default
    site: str | None            # the site's name; "domain:D" for a host known only from a rule entry
    category: str | None
    host: str                   # the canonical host that was decided
    bundle: bool                # an asset host of the site: decided like it, never counted as use
    reason: str = _Explained()  # type: ignore[assignment]  # a sentence for the employee
    message: str | None = _Explained()  # type: ignore[assignment]  # the rule's own, placeholders filled
    # reason and message have no default in fact (_Explained answers AttributeError on the class).
    until: datetime | None  # type: ignore[misc]  # next moment the decision here changes (≤ 7 days)
    quota: QuotaStatus | None  # type: ignore[misc]
    alternatives: tuple[Alternative, ...] = _Explained(tuple, ())  # type: ignore[assignment]
    trace: tuple[TraceStep, ...] = _Explained(tuple, ())  # type: ignore[assignment]
    remember: int | None = None  # warn: minutes a Continue lasts
    internal: bool = False       # the site is part of the company's own community
    # The first moment after this one at which the engine lets the same request through (None: open
    # now, or not within four weeks); unlike `until`, never a change from one refusal to another.
    opens: datetime | None = _Explained(None, None)  # type: ignore[assignment]

    @property
    def needs_interception(self) -> bool:
        """True when the proxy must see each request (a page to show, methods or minutes to count)."""
        return self.rule_action != "allow" or self.action != "allow"

    def __getstate__(self) -> dict[str, Any]:
        """Pickle and copy the values, explained, not the engine that could explain them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601 with offset)."""
        quota = self.quota
        return {
            "action": self.action, "rule": self.rule, "rule_action": self.rule_action,
            "site": self.site, "category": self.category, "host": self.host, "bundle": self.bundle,
            "reason": self.reason, "message": self.message, "until": _iso(self.until),
            "quota": None if quota is None else {
                "limit": quota.limit, "used": quota.used, "remaining": quota.remaining, "per": quota.per,
                "period_start": _iso(quota.period_start), "resets_at": _iso(quota.resets_at)},
            "alternatives": [{"site": a.site, "label": a.label, "url": a.url} for a in self.alternatives],
            "trace": [{"rule": s.rule, "matched": s.matched, "why": s.why} for s in self.trace],
            "remember": self.remember, "internal": self.internal, "opens": _iso(self.opens),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        """The inverse of `to_json`."""
        quota = data.get("quota")
        return cls(
            action=data["action"], rule=data["rule"], rule_action=data["rule_action"],
            site=data["site"], category=data["category"], host=data["host"], bundle=data["bundle"],
            reason=data["reason"], message=data["message"], until=_time(data["until"]),
            quota=None if quota is None else QuotaStatus(
                quota["limit"], quota["used"], quota["remaining"], quota["per"],
                datetime.fromisoformat(quota["period_start"]), datetime.fromisoformat(quota["resets_at"])),
            alternatives=tuple(Alternative(**a) for a in data.get("alternatives", ())),
            trace=tuple(TraceStep(**s) for s in data.get("trace", ())),
            remember=data.get("remember"), internal=data.get("internal", False),
            opens=_time(data.get("opens")),
        )


_new = object.__new__
_set = object.__setattr__


def build(action: str, rule_action: str, rule: Rule | None, match: HostMatch, until: datetime | None,
          quota: QuotaStatus | None, why: object) -> Decision:
    """A Decision on `match`'s host by `rule` (None: the default, a grant or the `unnamed` setting, whose
    action is `rule_action`), whose `reason`, `alternatives` and `trace` are explained on first read by
    `why` (see `_Explained`). Also skips the frozen dataclass's one `object.__setattr__` per field, which
    costs more than the rest of a decision: the engine builds one per request."""
    decision = _new(Decision)
    if rule is None:
        name = message = remember = None
    else:
        name, message, remember = rule.name, rule.message, rule.remember
    _set(decision, "__dict__", {
        "action": action, "rule": name, "rule_action": rule_action, "site": match.key,
        "category": match.category, "host": match.host, "bundle": match.bundle,
        "until": until, "quota": quota, "remember": remember, "internal": match.internal, "_why": why})
    if message is None or ("{" not in message and "}" not in message):
        decision.__dict__["_message"] = message     # else filled on first read (policy/words/messages.py)
    return decision


def build_quota(limit: int, used: int, remaining: int, per: str, period_start: datetime,
                resets_at: datetime) -> QuotaStatus:
    """`QuotaStatus(...)` for the hot path, like `build`."""
    quota = _new(QuotaStatus)
    _set(quota, "__dict__", {"limit": limit, "used": used, "remaining": remaining, "per": per,
                             "period_start": period_start, "resets_at": resets_at})
    return quota


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
