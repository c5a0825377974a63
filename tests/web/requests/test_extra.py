"""The options for more time: minutes in words, the rest of the day until midnight, what a manager may give."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from web.requests.extra import Option, approvable, end_of_day, options

BERLIN = ZoneInfo("Europe/Berlin")
AFTERNOON = datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)
CONFIG = {"EXTRA_MINUTES_OPTIONS": [15, 60, "rest of day"], "EXTRA_MINUTES_MAX": 240}


def test_the_options_in_words_with_the_rest_of_the_day_until_midnight():
    assert options(CONFIG, AFTERNOON, BERLIN) == [Option(15, "15 more minutes"), Option(60, "1 more hour"),
                                                  Option(540, "The rest of the day")]
    assert end_of_day(AFTERNOON, BERLIN) == datetime(2026, 11, 27, 0, 0, tzinfo=BERLIN)


def test_a_bad_option_names_the_setting():
    with pytest.raises(ValueError, match="EXTRA_MINUTES_OPTIONS: 'lots' is neither"):
        options({"EXTRA_MINUTES_OPTIONS": ["lots"]}, AFTERNOON, BERLIN)


def test_a_manager_may_give_what_was_asked_up_to_the_most_or_less():
    assert [option.minutes for option in approvable(CONFIG, 15)] == [15]
    assert [option.minutes for option in approvable(CONFIG, 540)] == [240, 60, 15]
