"""`watercooler directory sync|status` against a real slapd: one-line answers, a stopped directory says so."""
from __future__ import annotations

from tests.support.cli_run import watercooler
from tests.support.slapd import slapd  # noqa: F401  (fixture)


def test_sync_then_status_then_a_stopped_directory(slapd, tmp_path):
    env = slapd.env() | {"WATERCOOLER_DB": f"sqlite:///{tmp_path / 'wc.db'}"}
    synced = watercooler("directory", "sync", env=env)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout == f"5 group(s) and 8 person(s) read from {slapd.url}.\n"
    status = watercooler("directory", "status", env=env)
    assert status.returncode == 0 and status.stdout.startswith("Snapshot in use: 5 group(s), 8 person(s), read ")
    slapd.stop()
    failed = watercooler("directory", "sync", env=env)
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"watercooler directory sync: cannot reach the directory at {slapd.url}")
    assert failed.stderr.rstrip().endswith("the last snapshot stays in use")
    status = watercooler("directory", "status", env=env)
    assert status.returncode == 1 and "Snapshot in use: 5 group(s)" in status.stdout
    assert "failed: cannot reach the directory" in status.stdout


def test_without_settings_it_says_what_to_set(tmp_path):
    result = watercooler("directory", "sync", env={"WATERCOOLER_DB": f"sqlite:///{tmp_path / 'wc.db'}"})
    assert result.returncode == 2 and "set WATERCOOLER_DIRECTORY_URL" in result.stderr
    bad = watercooler("directory", "sync", env={"WATERCOOLER_DIRECTORY_URL": "ldap://x"})
    assert bad.returncode == 2 and "WATERCOOLER_DIRECTORY_GROUP_BASE is not set" in bad.stderr
