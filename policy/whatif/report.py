"""A what-if report as people read it (text, JSON): a verdict, the limits, per rule, group, site, category.

Every figure about people comes from at least `minimum` of them (the panel's MIN_GROUP_SIZE), or it
reads "fewer than N", zero included as in the panel (`web.manager.suppression`), so a hidden figure
never says whether anyone is behind it; totals add up shown figures only (`policy.whatif.shown`), and
the wording never changes with a hidden figure. `minimum` 0 prints every figure, and says so.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Any

from policy.model import PolicyDoc
from policy.whatif.figures import (
    ATTEMPTS_FREED,
    BLOCKED_MORE,
    CHANGES,
    EARLIER,
    FREED,
    LATER,
    RUNS_OUT,
    UNWARNED,
    WARNED_MORE,
    Bucket,
    Cell,
    Report,
    RuleFigures,
)
from policy.whatif.replay import GRANTED
from policy.whatif.shown import public

LIMITS = ("Recorded minutes say which site, not which page: they are replayed as reads, so read-only and "
          "warn outcomes are estimates (a post, or a Continue after a warning, cannot be seen). Traffic "
          "blocked before was never used: it shows as attempts (per day, without a time), not minutes. "
          "Rules for networks cannot match (addresses are not recorded).")
HEADINGS = {BLOCKED_MORE: "blocked more", FREED: "freed", WARNED_MORE: "warned more", UNWARNED: "no longer warned",
            ATTEMPTS_FREED: "attempts freed", RUNS_OUT: "people out of budget"}
RULE_COLUMNS = ("allowed", "blocked", "warned", "charged", "runouts", "changed")
DEFAULT = ""
ALL_FIGURES = ("All figures, none hidden, those of a single person too: for the admins of the proxy host, "
               "who can read each person's recorded minutes anyway; do not pass it on.")


def shown(cell: Cell, minimum: int) -> int | None:
    """The cell's number, or None when fewer than `minimum` people are behind it (zero included)."""
    return cell.value if len(cell.people) >= minimum else None


def people(cell: Cell, minimum: int) -> str:
    n = len(cell.people)
    return f"{n:,} {'person' if n == 1 else 'people'}" if n >= minimum else f"fewer than {minimum} people"


def verdict(report: Report, minimum: int) -> str:
    """The verdict of a report `public(report, minimum)` gave (or the full one, with `minimum` 0)."""
    more, freed = report.everyone.cells[BLOCKED_MORE], report.everyone.cells[FREED]
    if minimum > 0:
        if not more.value and not freed.value:
            return (f"This draft would have blocked and freed no minutes that {minimum} or more people "
                    "stand behind (figures of fewer people are hidden).")
        shown_none = " that can be shown"
    elif not more.value and not freed.value:
        return (f"This draft would have blocked and freed no minutes: all {report.minutes:,} recorded minutes "
                "keep their outcome" + ("" if not report.changed else " but for warnings") + ".")
    else:
        shown_none = ""
    blocked = (f"blocked {_minutes(more, minimum, 'more ')} for {people(more, minimum)}"
               f"{_top(report, BLOCKED_MORE, minimum)}" if more.value else f"blocked no more minutes{shown_none}")
    opened = (f"freed {_minutes(freed, minimum, '')} for {people(freed, minimum)}{_top(report, FREED, minimum)}"
              if freed.value else f"freed none{shown_none}")
    return f"This draft would have {blocked} and {opened}."


def never_label(minimum: int) -> str:
    return "Never matched" if minimum <= 0 else f"Never matched, or no figure of {minimum} or more people"


def render(report: Report, draft: PolicyDoc, minimum: int, names: tuple[str, str]) -> str:
    """The whole report as text; `names` says where the current rules and the draft come from."""
    report = public(report, minimum)
    lines = [ALL_FIGURES, ""] if minimum <= 0 else []
    lines += [verdict(report, minimum), "",
             f"Replayed {report.since} to {report.until}: {report.minutes:,} recorded minutes through "
             f"{names[0]} (now) and {names[1]} (draft); {report.changed_share:.1f}% change outcome. "
             f"Budgets: {_value(report.counts[EARLIER], minimum)} run out earlier, "
             f"{_value(report.counts[LATER], minimum)} later or not at all. "
             + (f"{report.attempts:,} blocked attempts recorded, "
                f"{_value(report.everyone.cells[ATTEMPTS_FREED], minimum)} would no longer be blocked."
                if report.attempts else "No blocked attempts recorded." if minimum <= 0 else
                f"No blocked attempts recorded that {minimum} or more people stand behind.")
             + (f" {report.unknown:,} minutes on sites neither set of rules knows are left out."
                if report.unknown else ""),
             f"Limits: {LIMITS}", "", "Rules of the draft:"]
    rows = [["RULE", "WHERE", *(c.upper() for c in RULE_COLUMNS)]]
    for name, where, figures in rule_rows(report, draft):
        rows.append([name or "(default)", where, *(_value(getattr(figures, c), minimum) for c in RULE_COLUMNS)])
    lines += _table(rows, 2)
    never = [f"{rule.name} ({where_of(rule.source)})" for rule in draft.rules
             if not report.draft.get(rule.name, RuleFigures()).matched]
    lines += ["", f"{never_label(minimum)}: " + (", ".join(never) if never else "none; every rule decided something")]
    most = most_changed(report)
    lines.append("Changed most: " + (", ".join(f"{name or '(default)'} ({_value(cell, minimum)} minutes)"
                                               for name, cell in most) or "none"))
    for kind, title in (("groups", "group"), ("sites", "site"), ("categories", "category")):
        table = [[title.upper(), *(HEADINGS[c].upper() for c in CHANGES)]]
        for name, bucket in sorted(getattr(report, kind).items()):
            if any(cell.value for cell in bucket.cells.values()):
                table.append([name or "(none)", *(_value(bucket.cells[c], minimum) for c in CHANGES)])
        none = "  no change" if minimum <= 0 else f"  nothing that {minimum} or more people stand behind"
        lines += ["", f"By {title}:"] + (_table(table, 1) if len(table) > 1 else [none])
    return "\n".join(lines)


def to_json(report: Report, draft: PolicyDoc, minimum: int) -> dict[str, Any]:
    def bucket(b: Bucket) -> dict[str, Any]:
        return {change: shown(b.cells[change], minimum) for change in CHANGES}
    report = public(report, minimum)
    return {
        "all_figures": minimum <= 0,
        "verdict": verdict(report, minimum), "limits": LIMITS, "since": str(report.since),
        "until": str(report.until), "minutes": report.minutes, "changed": report.changed,
        "changed_percent": round(report.changed_share, 3), "unknown_site_minutes": report.unknown,
        "attempts": report.attempts, "budgets_earlier": shown(report.counts[EARLIER], minimum),
        "budgets_later": shown(report.counts[LATER], minimum),
        "min_group_size": minimum,
        "rules": [{"rule": name or None, "where": where or None,
                   **{c: shown(getattr(figures, c), minimum) for c in (*RULE_COLUMNS, "attempts")}}
                  for name, where, figures in rule_rows(report, draft)],
        "never_matched": [rule.name for rule in draft.rules
                          if not report.draft.get(rule.name, RuleFigures()).matched],
        "changed_most": [{"rule": name or None, "minutes": shown(cell, minimum)}
                         for name, cell in most_changed(report)],
        "everyone": bucket(report.everyone),
        **{kind: {name: bucket(b) for name, b in sorted(getattr(report, kind).items())}
           for kind in ("groups", "sites", "categories")},
    }


def rule_rows(report: Report, draft: PolicyDoc) -> list[tuple[str, str, RuleFigures]]:
    """(rule, file:line, figures) for each rule of the draft in order, then the default and grants."""
    rows = [(rule.name, where_of(rule.source), report.draft.get(rule.name, RuleFigures())) for rule in draft.rules]
    rows += [(name, "", report.draft[name]) for name in (DEFAULT, GRANTED) if name in report.draft]
    return rows


def most_changed(report: Report, top: int = 5) -> list[tuple[str, Cell]]:
    found = [(name, figures.changed) for name, figures in report.draft.items() if figures.changed.value]
    return sorted(found, key=lambda item: (-item[1].value, item[0]))[:top]


def where_of(source: Any) -> str:
    return f"{PurePath(source.file).as_posix()}:{source.line}"


def _minutes(cell: Cell, minimum: int, more: str) -> str:
    value = shown(cell, minimum)
    return f"some {more}minutes" if value is None else f"{value:,} {more}minute{'s' * (value != 1)}"


def _top(report: Report, change: str, minimum: int) -> str:
    groups = [(cell.value, name) for name, bucket in report.groups.items()
              for cell in [bucket.cells[change]] if cell.value and shown(cell, minimum) is not None]
    names = [name for _, name in sorted(groups, key=lambda item: (-item[0], item[1]))[:3]]
    return f" ({', '.join(names)})" if names else ""


def _value(cell: Cell, minimum: int) -> str:
    value = shown(cell, minimum)
    return f"fewer than {minimum}" if value is None else f"{value:,}"   # zero too: "fewer" never means "some"


def _table(rows: list[list[str]], right_from: int) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(v.rjust(w) if i >= right_from else v.ljust(w)
                             for i, (v, w) in enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
