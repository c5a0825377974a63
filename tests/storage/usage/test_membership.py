"""Membership history: who belonged to which group on each day, unchanged by later edits of the groups."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.usage.membership import GroupMember, belonged, members_by_day, record_groups
from storage.usage.tables import Attempt

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = (date(2026, 11, 16), date(2026, 11, 22))
THURSDAY_10 = datetime(2026, 11, 19, 10, 0, tzinfo=BERLIN)


def test_the_first_record_reaches_back_before_any_usage(db):
    record_groups(db, {"marketing": {"erin", "bob"}}, THURSDAY_10)
    days = members_by_day(db, "marketing", *WEEK, BERLIN)
    assert set(days.values()) == {frozenset({"erin", "bob"})} and len(days) == 7


def test_a_change_counts_from_the_next_midnight_and_never_rewrites_earlier_days(db):
    record_groups(db, {"marketing": {"erin", "bob"}}, datetime(2026, 11, 1, tzinfo=timezone.utc))
    before = members_by_day(db, "marketing", *WEEK, BERLIN)
    record_groups(db, {"marketing": {"erin", "frank"}, "engineering": {"bob"}}, THURSDAY_10)
    after = members_by_day(db, "marketing", *WEEK, BERLIN)
    assert {day: after[day] for day in after if day <= date(2026, 11, 19)} == \
        {day: before[day] for day in before if day <= date(2026, 11, 19)}
    assert after[date(2026, 11, 19)] == {"erin", "bob"}   # bob belonged when Thursday began
    assert after[date(2026, 11, 20)] == {"erin", "frank"}
    assert members_by_day(db, "engineering", *WEEK, BERLIN)[date(2026, 11, 19)] == frozenset()
    assert members_by_day(db, "engineering", *WEEK, BERLIN)[date(2026, 11, 20)] == {"bob"}


def test_recording_the_same_groups_again_changes_nothing(db):
    groups = {"marketing": {"erin", "bob"}}
    record_groups(db, groups, datetime(2026, 11, 1, tzinfo=timezone.utc))
    record_groups(db, groups, THURSDAY_10)
    assert len(db.scalars(select(GroupMember)).all()) == 2


def test_leaving_and_coming_back_leaves_a_gap(db):
    record_groups(db, {"marketing": {"erin", "bob"}}, datetime(2026, 11, 1, tzinfo=timezone.utc))
    record_groups(db, {"marketing": {"erin"}}, datetime(2026, 11, 17, 9, tzinfo=BERLIN))
    record_groups(db, {"marketing": {"erin", "bob"}}, datetime(2026, 11, 19, 9, tzinfo=BERLIN))
    days = members_by_day(db, "marketing", *WEEK, BERLIN)
    assert [("bob" in days[day]) for day in sorted(days)] == [True, True, False, False, True, True, True]


def test_only_one_open_row_per_person_and_group(db, usage_engine):
    """Two panels recording the same change at once: the database refuses the second open row."""
    record_groups(db, {"marketing": {"erin"}}, datetime(2026, 11, 1, tzinfo=timezone.utc))
    with Session(usage_engine) as other:
        other.add(GroupMember(group_name="marketing", user_name="erin", joined_at=THURSDAY_10))
        with pytest.raises(IntegrityError):
            other.commit()


def test_belonged_selects_each_persons_rows_for_their_days_only(db):
    record_groups(db, {"marketing": {"erin", "bob"}}, datetime(2026, 11, 1, tzinfo=timezone.utc))
    record_groups(db, {"marketing": {"erin"}}, datetime(2026, 11, 18, 9, tzinfo=BERLIN))
    db.add_all(Attempt(user_name=user, site="facebook", rule="", day=day, kind="blocked", count=1)
               for user in ("erin", "bob", "frank") for day in (date(2026, 11, 17), date(2026, 11, 20)))
    db.commit()
    days = members_by_day(db, "marketing", *WEEK, BERLIN)
    found = db.execute(select(Attempt.user_name, Attempt.day).where(belonged(Attempt, days))).all()
    assert sorted(found) == [("bob", date(2026, 11, 17)), ("erin", date(2026, 11, 17)), ("erin", date(2026, 11, 20))]
    assert db.execute(select(Attempt).where(belonged(Attempt, {}))).all() == []
