"""A rules folder's fingerprint changes with any saved, added or removed policy file, and only then."""
import os

from policy.loading.folder_state import fingerprint, snapshot


def test_the_fingerprint_follows_policy_files_only(tmp_path):
    (tmp_path / "rules.yaml").write_text("rules: []\n")
    first = fingerprint(tmp_path)
    assert [entry[0] for entry in first] == ["rules.yaml"]
    (tmp_path / "notes.txt").write_text("not policy")
    (tmp_path / ".hidden.yaml").write_text("rules: []\n")
    assert fingerprint(tmp_path) == first
    (tmp_path / "more.yml").write_text("sites: {}\n")
    assert [entry[0] for entry in fingerprint(tmp_path)] == ["more.yml", "rules.yaml"]
    stat = (tmp_path / "rules.yaml").stat()
    os.utime(tmp_path / "rules.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert fingerprint(tmp_path) != first


def test_a_gone_folder_has_no_fingerprint(tmp_path):
    assert fingerprint(tmp_path / "gone") is None and snapshot(tmp_path / "gone") is None
