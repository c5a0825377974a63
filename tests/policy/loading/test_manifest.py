"""The last-good manifest: one inventory per rules folder, kept across restarts, never half written."""
from __future__ import annotations

from policy.loading.loader import load_doc
from policy.loading.manifest import manifest_path, record, recorded
from policy.review.removals import inventory
from tests.support.rule_files import CATALOGUE, HEADER, write_rules


def test_each_folder_keeps_its_own_inventory(tmp_path):
    one = write_rules(tmp_path / "one", main=HEADER + CATALOGUE + "rules: []\n")
    two = write_rules(tmp_path / "two", main=HEADER + "rules: []\n")
    path = manifest_path(tmp_path / "confdir")
    assert recorded(path, one) is None
    record(path, one, inventory(load_doc(one)))
    record(path, two, inventory(load_doc(two)))
    assert recorded(path, one)["site"].keys() == {"facebook", "linkedin", "forum"}
    assert recorded(path, two)["file"] == {"main.yaml": "main.yaml"}
    assert [p.name for p in path.parent.iterdir()] == [path.name]      # no temporary file left behind


def test_an_unreadable_manifest_counts_as_none(tmp_path):
    path = manifest_path(tmp_path)
    path.write_text("{ not json")
    assert recorded(path, tmp_path) is None
    record(path, tmp_path, {"file": {"a.yaml": "a.yaml"}})
    assert recorded(path, tmp_path) == {"file": {"a.yaml": "a.yaml"}}


def test_the_manifest_is_owner_only_whatever_the_umask(tmp_path):
    import os
    import stat

    old = os.umask(0)
    try:
        path = manifest_path(tmp_path / "confdir")
        record(path, tmp_path, {"file": {"a.yaml": "a.yaml"}})
        record(path, tmp_path, {"file": {"b.yaml": "b.yaml"}})   # rewritten: still owner-only
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
