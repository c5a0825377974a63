"""The sync against a real slapd: snapshots in the database; a directory that stops keeps the last one."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy.orm import Session

from storage.directory import snapshots
from storage.directory.ldap import DirectoryError
from storage.directory.settings import from_environ
from storage.directory.sync import SyncThread, sync_once
from tests.support.slapd import group_dn, person_dn


def test_a_sync_stores_the_groups_and_a_move_between_teams_shows_in_the_next_one(slapd, usage_engine):
    settings = from_environ(slapd.env())
    sync_once(settings, usage_engine)
    with Session(usage_engine) as db:
        assert "emma.schulz" in snapshots.load(db).people_of(group_dn("sales"))
    slapd.modify(f"dn: {group_dn('sales')}\nchangetype: modify\ndelete: member\nmember: {person_dn('emma.schulz')}\n\n"
                 f"dn: {group_dn('marketing')}\nchangetype: modify\nadd: member\nmember: {person_dn('emma.schulz')}\n")
    sync_once(settings, usage_engine)
    with Session(usage_engine) as db:
        directory = snapshots.load(db)
    assert "emma.schulz" not in directory.people_of(group_dn("sales"))
    assert "emma.schulz" in directory.people_of(group_dn("marketing"))


def test_a_stopped_directory_keeps_the_last_snapshot_and_says_why(slapd, usage_engine, caplog):
    settings = from_environ(slapd.env())
    thread = SyncThread(settings, usage_engine)
    thread.run_once()
    slapd.stop()
    with caplog.at_level(logging.INFO, logger="watercooler.directory"):
        thread.run_once()
        thread.run_once()
    with Session(usage_engine) as db:
        status = snapshots.status(db)
        assert "ivan.horvat" in snapshots.load(db).people_of(group_dn("staff"))
    assert status.error.startswith(f"cannot reach the directory at {settings.url}")
    assert status.attempted_at > status.checked_at
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "keeping the last snapshot" in warnings[0]   # once per outage
    slapd.start_again()
    with caplog.at_level(logging.INFO, logger="watercooler.directory"):
        thread.run_once()
    assert "directory: reachable again; memberships are current" in caplog.messages
    with Session(usage_engine) as db:
        assert snapshots.status(db).error == ""


def test_a_wrong_service_password_is_an_error_that_names_the_account(slapd, usage_engine, tmp_path):
    (tmp_path / "wrong").write_text("nope\n")
    settings = from_environ(slapd.env(PASSWORD_FILE=str(tmp_path / "wrong")))
    with pytest.raises(DirectoryError, match="the directory refused the password of cn=watercooler,ou=services"):
        sync_once(settings, usage_engine)
