from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from policy.words.friendly_time import friendly_duration, friendly_moment

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=BERLIN)   # a Thursday


def test_moments_read_like_people_say_them():
    assert friendly_moment(NOW.replace(hour=12, minute=0), NOW, BERLIN) == "today at 12:00"
    assert friendly_moment(NOW + timedelta(days=1, hours=-3, minutes=-30), NOW, BERLIN) == "tomorrow at 07:00"
    assert friendly_moment(datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN), NOW, BERLIN) == "Monday at 07:00"
    assert friendly_moment(datetime(2026, 12, 24, 0, 0, tzinfo=BERLIN), NOW, BERLIN) == "on 24 December at 00:00"


def test_moments_are_read_in_the_policy_zone():
    utc_noon = datetime(2026, 11, 26, 11, 0, tzinfo=ZoneInfo("UTC"))
    assert friendly_moment(utc_noon, NOW, BERLIN) == "today at 12:00"


def test_durations_round_to_minutes():
    assert friendly_duration(timedelta(minutes=60)) == "1 hour"
    assert friendly_duration(timedelta(minutes=90)) == "1 hour 30 minutes"
    assert friendly_duration(timedelta(minutes=1)) == "1 minute"
    assert friendly_duration(timedelta(seconds=10)) == "0 minutes"
