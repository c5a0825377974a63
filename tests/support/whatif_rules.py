"""A small company's rules and a draft of them, for the what-if tests: figures are worked out by hand."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import policy

CURRENT = """\
version: 1
timezone: UTC
categories:
  social: {label: Social}
  video: {label: Video}
sites:
  facebook: {category: social, domains: [facebook.com]}
  x: {category: social, domains: [x.com]}
  youtube: {category: video, domains: [youtube.com]}
groups:
  marketing: {members: [m1, m2, m3, m4, m5, m6], managers: [boss]}
  sales: {members: [s1, s2], managers: [boss]}
  staff: {include: [marketing, sales]}
rules:
  - name: video
    sites: [youtube]
    action: warn
  - name: budget
    who: [group:staff]
    sites: [category:social]
    action: quota
    quota: {minutes: 30, per: day}
    adjustable: {minutes: {min: 0, max: 90}, grant: {max: 8h}}
default: allow
"""

# The draft: video is blocked, sales may use X freely, the budget drops to 20 minutes.
DRAFT = CURRENT.replace("    action: warn\n", "    action: block\n").replace(
    "  - name: budget\n",
    "  - name: sales-free\n    who: [group:sales]\n    sites: [x]\n    action: allow\n  - name: budget\n").replace(
    "quota: {minutes: 30, per: day}", "quota: {minutes: 20, per: day}")


def folders(root: Path) -> tuple[Path, Path]:
    """(rules, draft) folders under `root`."""
    for name, text in (("rules", CURRENT), ("draft", DRAFT)):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "main.yaml").write_text(text, encoding="utf-8")
    return root / "rules", root / "draft"


def policies(root: Path):
    current, draft = folders(root)
    return policy.load(current), policy.load(draft)


def run(day: int, hour: int, site: str, count: int, category: str = "social") -> list:
    """`count` minutes on `site` from `hour`:00 UTC on `day` November 2026, as the replay takes them."""
    start = datetime(2026, 11, day, hour, tzinfo=timezone.utc).timestamp()
    return [(start + 60 * i, site, category) for i in range(count)]


def sample_report(root: Path):
    """The report of the draft over the usage worked out by hand in tests/policy/whatif/test_compare.py."""
    from policy.whatif.compare import WhatIf
    from policy.whatif.setup import hosts, replayer
    current, draft = policies(root)
    sites = hosts(current.doc, draft.doc)
    whatif = WhatIf(replayer(current, [], [], sites), replayer(draft, [], [], sites), current.timezone,
                    date(2026, 11, 23), date(2026, 11, 24), lambda user, day: current.groups_of(user))
    for person in ("m1", "m2", "m3", "m4", "m5", "m6"):
        whatif.person(person, run(23, 9, "facebook", 40),
                      [("facebook", "budget", date(2026, 11, 23), 2)] if person == "m1" else [])
    whatif.person("s1", run(23, 14, "youtube", 10, "video"))
    whatif.person("s2", run(24, 9, "x", 40), [("x", "budget", date(2026, 11, 24), 3)])
    return whatif.report
