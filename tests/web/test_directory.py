"""The panel and the directory: the background sync, and pages using the newest snapshot's members."""
from __future__ import annotations

from sqlalchemy import select

from storage.usage.membership import GroupMember
from tests.support.net import poll
from web import create_app
from web.db import db
from web.directory import start_sync
from web.policy_source import current_policy


def test_without_a_directory_there_is_no_sync(tmp_path):
    app = create_app({"TESTING": True, "DB": f"sqlite:///{tmp_path / 'p.db'}", "DATA": str(tmp_path),
                      "SECRET_KEY": "k", "DB_SETUP": "create"})
    assert start_sync(app) is None


def test_the_sync_thread_fills_directory_groups_and_the_membership_history(directory_app, slapd):
    app = directory_app
    slapd.modify("dn: cn=sales,ou=groups,dc=northwind,dc=example\nchangetype: modify\nadd: member\n"
                 "member: uid=ivan.horvat,ou=people,dc=northwind,dc=example\n")
    thread = start_sync(app)
    try:
        def sees_ivan() -> bool:
            with app.test_request_context():
                return "sales" in current_policy().groups_of("ivan.horvat")
        poll(sees_ivan, timeout=15, interval=0.2, what="the panel to use the new snapshot")
        with app.test_request_context():
            current_policy()
            history = set(db().execute(select(GroupMember.group_name, GroupMember.user_name)
                                       .where(GroupMember.left_at.is_(None))).all())
        assert ("sales", "ivan.horvat") in history and ("sales", "emma.schulz") in history
    finally:
        thread.stop()
