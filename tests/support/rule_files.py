"""Rules folders for loader tests, written from small YAML strings, and their problems as printed."""
from __future__ import annotations

import textwrap
from pathlib import Path

from policy.loading.loader import check_policy, load_doc
from policy.loading.problems import PolicyError
from policy.model import PolicyDoc

HEADER = "version: 1\ntimezone: Europe/Berlin\n"
CATALOGUE = """
categories:
  social: {label: Social}
  community: {label: Our community, internal: true}
sites:
  facebook: {category: social, domains: [facebook.com, fb.com], bundle: [fbcdn.net]}
  linkedin: {category: social, domains: [linkedin.com]}
  forum: {category: community, domains: [forum.corp.example]}
groups:
  marketing: {members: [alice, bob], managers: [carol]}
  staff: {include: [marketing], members: [dave]}
networks:
  guest-wifi: [10.20.0.0/16]
schedules:
  lunch:
    - {days: mon-fri, from: "12:00", to: "13:00"}
"""


def write_rules(folder: Path, **files: str) -> Path:
    """`write_rules(tmp_path, main="...")` writes main.yaml (dedented) and returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems(path: Path) -> list[str]:
    """Every problem `load_doc` reports, as printed; [] when the policy loads."""
    try:
        load_doc(path)
    except PolicyError as exc:
        return [str(p) for p in exc.problems]
    return []


def loaded(path: Path) -> PolicyDoc:
    return load_doc(path)


def warnings(path: Path) -> list[str]:
    doc, found = check_policy(path)
    assert doc is not None, [str(p) for p in found]
    return [str(p) for p in found]


def place(file: Path, needle: str, occurrence: int = 1) -> str:
    """`FILE:LINE:COL` of the `occurrence`-th `needle` in `file`, as problems print places."""
    text = file.read_text(encoding="utf-8")
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return f"{file}:{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def with_header(body: str) -> str:
    """A rules file: `version` and `timezone`, then `body` (dedented)."""
    return HEADER + textwrap.dedent(body)
