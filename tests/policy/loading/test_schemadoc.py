"""docs/policy.md carries the element reference exactly as the registry renders it."""
from __future__ import annotations

from pathlib import Path

from policy.loading.schemadoc import BEGIN, END, element_reference

DOCS = Path(__file__).resolve().parents[3] / "docs" / "policy.md"


def test_the_reference_covers_every_element():
    text = element_reference()
    for title in ("Rule", "Site", "Schedule window", "Quota", "Adjustable", "Test case"):
        assert f"\n### {title}\n" in text
    assert "| `action` (required) | `allow` \\| `block` \\| `warn` \\| `quota` \\| `read-only` |" in text


def test_the_docs_are_up_to_date():
    docs = DOCS.read_text(encoding="utf-8")
    committed = docs[docs.index(BEGIN):docs.index(END) + len(END)] + "\n"
    assert committed == element_reference(), "run: watercooler schema --markdown, and paste it into docs/policy.md"
