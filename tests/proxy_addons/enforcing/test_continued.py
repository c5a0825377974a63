from datetime import datetime, timedelta, timezone

from proxy_addons.enforcing.continued import ContinuedState, QuotaNotices, notice_threshold

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def test_a_continue_lasts_its_minutes_for_that_person_rule_and_site():
    state = ContinuedState()
    state.remember("user:alice", "nudge", "youtube", NOW, 60)
    assert state.is_continued("user:alice", "nudge", "youtube", NOW + timedelta(minutes=59))
    assert not state.is_continued("user:alice", "nudge", "youtube", NOW + timedelta(minutes=60))
    assert not state.is_continued("user:bob", "nudge", "youtube", NOW)
    assert not state.is_continued("user:alice", "nudge", "vimeo", NOW)
    assert not state.is_continued("user:alice", "nudge", None, NOW)


def test_the_notice_threshold_is_20_percent_or_5_minutes_whichever_is_smaller():
    assert notice_threshold(30) == 5
    assert notice_threshold(10) == 2
    assert notice_threshold(90) == 5


def test_the_notice_shows_once_per_period():
    notices = QuotaNotices()
    assert notices.due("user:alice", "budget", NOW)
    notices.mark_shown("user:alice", "budget", NOW)
    assert not notices.due("user:alice", "budget", NOW)
    assert notices.due("user:alice", "budget", NOW + timedelta(days=1))
