"""Every action a rule can take, described once: its settings, its outcomes, and its words for every audience.

The panel, the proxy's pages and the employee's sentences read their words from here, so an action
reads the same wherever it appears. Each `Outcome` of an action says what the person it decides sees:
the state and headline of their overview, the sentence that explains it, and the page the proxy
answers with when the action stops the request (None: the site itself answers). Templates take
`str.format` fields: {label} (the site), {opens} (" Open to you: …" or ""), {during} (" during lunch",
" now" or ""), and for budgets {limit}, {used}, {remaining}, {per}, {period} ("today"), {fresh},
{budget}, {shared} and {left} (see `budget_figures`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policy.engine.reading import READING

if TYPE_CHECKING:
    from policy.engine.decision import QuotaStatus
    from policy.words.budgets import Budget

OUTCOMES = ("allow", "block", "warn")    # what a request gets, whatever the action
PERIODS = {"day": "today", "week": "this week"}      # a budget's period, as its words say it


@dataclass(frozen=True, slots=True)
class Page:
    """The proxy's own answer: its template in proxy_addons/pages/, badge, heading, tone and status."""
    template: str
    badge: str
    heading: str
    tone: str = "block"         # the page's colours: block | warn | notice
    status: int = 403
    opens_label: str = "Opens again"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one outcome of an action looks to the person it decides."""
    state: str                  # the overview's state: open | limited | read-only | asks | closed
    headline: str               # the overview's headline, e.g. "Open · {remaining} of {limit} min left {period}"
    reason: str                 # the sentence the employee reads (policy/words/reasons.py fills it)
    page: Page | None = None    # the answer when the request is stopped; None: the site answers


@dataclass(frozen=True, slots=True)
class Action:
    name: str                   # as written in a rule's `action:`
    summary: str                # what the person gets, for admins (docs/policy.md's table says the same)
    manager: str                # a manager's short word: "open", "asks first" (changes, previews, audit trail)
    status: str                 # the status page's "[sites] is open" ({minutes}, {per}, {remember} fields)
    outcomes: Mapping[str, Outcome]     # every outcome the engine can give this action, and its words
    settings: str | None = None         # the rule key holding its own settings (`quota:`, `warn:`)
    notice: Page | None = None          # a page shown once while still allowed (the budget's notice)
    generosity: int = 0                 # merging adjustments: the most generous action wins (lowest first)
    # Its allow depends on more than the request itself (minutes used, a Continue given), so an allow
    # may not be remembered for the next alike request (proxy_addons/enforcing/decision_cache.py).
    stateful: bool = False


REGISTRY: dict[str, Action] = {}


def register(action: Action) -> Action:
    """Add an action; each name once, each outcome one of OUTCOMES."""
    if action.name in REGISTRY:
        raise ValueError(f"action {action.name!r} is registered twice")
    unknown = [name for name in action.outcomes if name not in OUTCOMES]
    if unknown:
        raise ValueError(f"action {action.name!r} has unknown outcome {unknown[0]!r}")
    REGISTRY[action.name] = action
    return action


def shown(outcome: str, action: str) -> Outcome:
    """The words for a request with this outcome under this action (a default's action is allow or block)."""
    entry = REGISTRY[action].outcomes.get(outcome)
    return entry if entry is not None else REGISTRY[outcome].outcomes[outcome]


def page_for(outcome: str, action: str) -> Page:
    """The page the proxy answers a request this action stops with; the outcome's own when it has none."""
    page = shown(outcome, action).page
    return page if page is not None else REGISTRY[outcome].outcomes[outcome].page   # type: ignore[return-value]


def budget_figures(quota: QuotaStatus, budget: Budget | None = None, label: str = "") -> dict[str, object]:
    """The fields a budget's words take: {limit}, {used}, {remaining}, {per}, {period}, {fresh}, {s},
    and {budget} (the shared budget's name, else the site's `label`), {shared} (", shared by …" or
    ""), {left} ("6 of 30 min left today", or "on the External social media budget")."""
    # The budget's reset is not necessarily when the site opens again: a lunch rule may open it
    # sooner, which `opens` (and the decision's `until`) say.
    fresh = (f"a new budget starts at {quota.resets_at:%H:%M}" if quota.per == "day"
             else f"a new budget starts on {quota.resets_at:%A at %H:%M}")
    period = PERIODS.get(quota.per, "")
    name = budget.name if budget is not None and budget.shared else None
    shared_by = budget.shared_by() if budget is not None and name else ""
    return {"limit": quota.limit, "used": quota.used, "remaining": quota.remaining, "per": quota.per,
            "period": period, "fresh": fresh, "s": "" if quota.remaining == 1 else "s",
            "budget": name or label,
            "shared": f", {shared_by}" if shared_by else "",
            "left": f"on the {name} budget" if name else
            f"{quota.remaining} of {quota.limit} min left {period}".rstrip()}


_CLOSED = Page("block.html", "Paused", "{label} is closed right now")

register(Action(
    "allow", "the site", manager="open", status="is open", generosity=0,
    outcomes={"allow": Outcome("open", "Open", "{label} is open to you{during}.")}))
register(Action(
    "block", "a page that says why, when it opens again, and which internal sites are open",
    manager="closed", status="is closed", generosity=4,
    outcomes={"block": Outcome("closed", "Closed", "{label} is closed to you{during}.{opens}", _CLOSED)}))
register(Action(
    "warn", "a page with a Continue button; a Continue lasts warn.remember minutes (default 60)",
    manager="asks first", status="asks first (a reminder page with Continue; a Continue lasts {remember} minutes)",
    settings="warn", generosity=1, stateful=True, outcomes={
        "warn": Outcome("asks", "Asks first", "{label} is best in small doses at work; continue if you need it.",
                        Page("warn.html", "Heads-up", "A moment before {label}", "warn")),
        "allow": Outcome("open", "Open", "You chose to continue to {label}.")}))
register(Action(
    "quota", "the site while their minutes of use on the rule's sites this day/week are under the limit; then "
    "blocked until the reset",
    manager="on a budget", status="is on a budget of {minutes} minutes a {per}", settings="quota", generosity=3,
    stateful=True,
    notice=Page("notice.html", "Budget", "{remaining} minute{s} left on {budget} {period}", "notice", 200),
    outcomes={
        "allow": Outcome("limited", "Open · {left}",
                         "{label} is on a budget of {limit} minutes a {per}{shared}; {remaining} minute{s} left."),
        "block": Outcome("closed", "Closed",
                         "You have used your {limit} minutes of {budget} for {period}{shared}; {fresh}.{opens}",
                         Page("block.html", "Paused", "You've used your time on {budget}"))}))
register(Action(
    "read-only", f"reading ({', '.join(READING)} that name no other method and carry no body) passes; posting, "
    "uploading and editing are blocked",
    manager="reading only", status="is reading only (no posting, uploading or editing)", generosity=2, outcomes={
        "allow": Outcome("read-only", "Reading only",
                         "{label} is read-only for you: reading is fine; posting, uploading and editing are not."),
        "block": Outcome("closed", "Closed",
                         "{label} is read-only for you: posting, uploading and editing are blocked.{opens}",
                         Page("simple.html", "Read-only", "Posting on {label} is closed right now",
                              opens_label="Posting opens"))}))

NAMES = tuple(REGISTRY)         # allow, block, warn, quota, read-only: as the schema and docs list them
GENEROSITY = tuple(sorted(REGISTRY, key=lambda name: REGISTRY[name].generosity))   # most generous first
STATEFUL = tuple(name for name, action in REGISTRY.items() if action.stateful)
