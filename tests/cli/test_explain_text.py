from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import policy
from cli.explain_text import render
from policy.request import Request, decide

SAMPLE = policy.load(Path(__file__).resolve().parents[2] / "rules")
THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def _explain(request: Request, using: str | None = None) -> list[str]:
    return render(SAMPLE, request, decide(SAMPLE, request), using).splitlines()


def test_the_outcome_first_then_the_facts_then_the_numbered_trace():
    lines = _explain(Request("emma.schulz", "https://x.com/home", THURSDAY_3PM, used=30))
    assert lines[:2] == ["BLOCKED: GET https://x.com/home",
                         "  for emma.schulz at Thu 26 Nov 2026 15:00 (Europe/Berlin)"]
    assert any(line.startswith("  Rule         social-budget (quota, ") for line in lines)
    assert any(line.startswith("  Open instead ") for line in lines)
    trace = lines[lines.index("How it was decided:") + 1:]
    assert trace[0].startswith("    1. ") and "skipped: " in trace[0]
    chosen = [line for line in trace if line.startswith("->")]
    assert len(chosen) == 1 and "social-budget" in chosen[0] and "block" in chosen[0]


def test_where_the_figures_came_from_is_one_line_under_the_request():
    lines = _explain(Request(None, "https://www.facebook.com/", THURSDAY_3PM, ip="10.20.4.4"),
                     using="with adjustments, grants and minutes from sqlite:///data/watercooler.db")
    assert lines[1].startswith("  for an anonymous user from 10.20.4.4 at ")
    assert lines[2] == "  with adjustments, grants and minutes from sqlite:///data/watercooler.db"


def test_an_allowed_request_offers_nothing_instead():
    lines = _explain(Request("emma.schulz", "https://forum.northwind.example/", THURSDAY_3PM))
    assert lines[0] == "ALLOWED: GET https://forum.northwind.example/"
    assert not any(line.startswith("  Open instead") for line in lines)
