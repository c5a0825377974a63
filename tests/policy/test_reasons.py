"""The employee's sentence follows the rules and their schedules."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from policy.decision import QuotaStatus
from policy.reasons import describe_schedule, describe_window, opens_text, reason
from tests.support.policies import rule, schedule, window

BERLIN = ZoneInfo("Europe/Berlin")


def test_windows_in_words():
    assert describe_window(window(start="12:00", end="13:00")) == "Mon–Fri 12:00–13:00"
    assert describe_window(window(days=[5, 6])) == "Sat, Sun"
    assert describe_window(window(days=range(7), start="18:00", end="07:00")) == "daily 18:00–07:00"
    assert describe_window(window(days=range(7))) == "daily"
    assert describe_window(window(days=None, dates=[date(2026, 12, 25), date(2026, 12, 24)])) == \
        "24 Dec 2026, 25 Dec 2026"
    assert describe_window(window(days=None, dates=[date(2027, 1, d) for d in range(1, 6)], start="09:00",
                                  end="12:00")) == "1 Jan 2027, 2 Jan 2027, 3 Jan 2027 and 2 more days 09:00–12:00"
    many = schedule("shifts", *[window(days=[d], start="08:00", end="09:00") for d in range(5)])
    assert describe_schedule(many) == "shifts (Mon 08:00–09:00; Tue 08:00–09:00; Wed 08:00–09:00; and 2 more)"


def test_dated_windows_name_only_the_dates_still_to_come():
    holidays = schedule("holidays", window(days=None, dates=[date(2026, 1, 1), date(2026, 12, 24),
                                                             date(2026, 12, 25), date(2026, 12, 31)]))
    assert describe_schedule(holidays, today=date(2026, 12, 24)) == \
        "holidays (24 Dec 2026, 25 Dec 2026, 31 Dec 2026)"
    assert describe_schedule(holidays, today=date(2026, 12, 26)) == "holidays (31 Dec 2026)"
    assert describe_schedule(holidays, today=date(2027, 1, 1)) == ""
    schedules = {"holidays": holidays}
    assert opens_text([rule("h", ["x"], when=["holidays"])], schedules, today=date(2027, 1, 1)) == ""


def test_a_used_up_budget_names_its_reset_not_an_opening():
    start = datetime(2026, 11, 26, tzinfo=BERLIN)
    used_up = QuotaStatus(limit=30, used=30, remaining=0, per="day", period_start=start,
                          resets_at=datetime(2026, 11, 27, tzinfo=BERLIN))
    sentence = reason("block", rule("b", ["x"], "quota", quota=30), "Facebook", True, "allow",
                      " Open to you: lunch (Mon–Fri 12:00–13:00).", used_up)
    assert sentence == ("You have used your 30 minutes of Facebook for today; a new budget starts at 00:00. "
                        "Open to you: lunch (Mon–Fri 12:00–13:00).")


def test_what_opens_comes_from_the_letting_in_rules():
    schedules = {"lunch": schedule("lunch", window(start="12:00", end="13:00")),
                 "evenings": schedule("evenings", window(start="18:00", end="24:00"))}
    rules = [rule("a", ["x"], when=["lunch"]), rule("b", ["x"], "quota", quota=5, when=["evenings", "lunch"]),
             rule("c", ["x"], "block", when=["lunch"])]
    assert opens_text(rules, schedules) == \
        " Open to you: lunch (Mon–Fri 12:00–13:00) and evenings (Mon–Fri 18:00–24:00)."
    assert opens_text(rules[2:], schedules) == ""


def test_sentences_per_action():
    lunch = rule("lunch", ["x"], when=["lunch"])
    assert reason("allow", lunch, "Facebook", True, "allow", "") == "Facebook is open to you during lunch."
    assert reason("block", rule("r", ["x"], "block", when=["work"]), "Facebook", True, "allow", " Open…") == \
        "Facebook is closed to you during work. Open…"
    assert reason("allow", rule("r", ["x"], "read-only"), "LinkedIn", True, "allow", "").startswith(
        "LinkedIn is read-only for you: reading is fine")
    assert reason("warn", rule("r", ["x"], "warn"), "YouTube", True, "allow", "") == \
        "YouTube is best in small doses at work; continue if you need it."
    assert reason("allow", rule("r", ["x"], "warn"), "YouTube", True, "allow", "") == "You chose to continue to YouTube."
    assert reason("allow", None, "example.org", False, "allow", "") == "example.org is not a social site, so it is not limited."
    assert reason("block", None, "Facebook", True, "block", "") == "Facebook is closed to you now."


def test_quota_sentences_give_the_numbers():
    start, reset = datetime(2026, 11, 23, tzinfo=BERLIN), datetime(2026, 11, 30, tzinfo=BERLIN)
    weekly = rule("r", ["x"], "quota", quota=60, per="week")
    assert reason("allow", weekly, "Reddit", True, "allow", "", QuotaStatus(60, 20, 40, "week", start, reset)) == \
        "Reddit is on a budget of 60 minutes a week; 40 minutes left."
    assert reason("block", weekly, "Reddit", True, "allow", "", QuotaStatus(60, 61, 0, "week", start, reset)) == \
        "You have used your 60 minutes of Reddit for this week; a new budget starts on Monday at 00:00."
