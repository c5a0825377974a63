"""A small company's rules and a draft of them, for the what-if tests: figures are worked out by hand."""
from __future__ import annotations

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
