"""The panel follows edits to the rules folder, and a broken edit keeps the last good policy."""
from __future__ import annotations

import os
import shutil

import pytest

import web.policy_source as source_module
from tests.web.conftest import RULES
from web.policy_source import PolicySource, PolicyUnavailable


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(source_module, "CHECK_EVERY", 0.0)  # look at the folder on every call
    shutil.copytree(RULES, tmp_path / "rules")
    return tmp_path / "rules"


def _edit(path, old: str, new: str) -> None:
    text = path.read_text().replace(old, new)
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a distinct mtime on coarse clocks


def test_an_edit_is_picked_up(folder):
    source = PolicySource(folder)
    assert source.current().sites["facebook"].label == "Facebook"
    _edit(folder / "policy.yaml", "label: Facebook", "label: Facebook (Meta)")
    assert source.current().sites["facebook"].label == "Facebook (Meta)"
    assert source.error == ""


def test_a_broken_edit_keeps_the_last_good_policy_and_says_where(folder):
    source = PolicySource(folder)
    good = source.current()
    _edit(folder / "policy.yaml", "action: read-only", "action: read-onyl")
    assert source.current() is good
    assert "policy.yaml:" in source.error and "read-onyl" in source.error


def test_nothing_loads_from_a_missing_folder(tmp_path):
    with pytest.raises(PolicyUnavailable, match="no such file or folder"):
        PolicySource(tmp_path / "missing").current()
