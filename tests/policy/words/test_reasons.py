"""The employee's sentence follows the rules and their schedules."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from policy.engine.decision import QuotaStatus
from policy.words import reasons
from policy.words.reasons import reason
from tests.support.policies import rule

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_used_up_budget_names_its_reset_not_an_opening():
    start = datetime(2026, 11, 26, tzinfo=BERLIN)
    used_up = QuotaStatus(limit=30, used=30, remaining=0, per="day", period_start=start,
                          resets_at=datetime(2026, 11, 27, tzinfo=BERLIN))
    sentence = reason("block", rule("b", ["x"], "quota", quota=30), "Facebook", True, "allow",
                      " Open to you: lunch (Mon–Fri 12:00–13:00).", used_up)
    assert sentence == ("You have used your 30 minutes of Facebook for today; a new budget starts at 00:00. "
                        "Open to you: lunch (Mon–Fri 12:00–13:00).")


def test_sentences_per_action():
    lunch = rule("lunch", ["x"], when=["lunch"])
    assert reason("allow", lunch, "Facebook", True, "allow", "") == "Facebook is open to you during lunch."
    assert reason("block", rule("r", ["x"], "block", when=["work"]), "Facebook", True, "allow", " Open…") == \
        "Facebook is closed to you during work. Open…"
    assert reason("allow", rule("r", ["x"], "read-only"), "LinkedIn", True, "allow", "").startswith(
        "LinkedIn is read-only for you: reading is fine")
    assert reason("warn", rule("r", ["x"], "warn"), "YouTube", True, "allow", "") == \
        "YouTube is best in small doses at work; continue if you need it."
    assert reason("allow", rule("r", ["x"], "warn"), "YouTube", True, "allow", "") == \
        "You chose to continue to YouTube."
    assert reason("allow", None, "example.org", False, "allow", "") == \
        "example.org is not a social site, so it is not limited."
    assert reason("block", None, "Facebook", True, "block", "") == "Facebook is closed to you now."


def test_quota_sentences_give_the_numbers():
    start, reset = datetime(2026, 11, 23, tzinfo=BERLIN), datetime(2026, 11, 30, tzinfo=BERLIN)
    weekly = rule("r", ["x"], "quota", quota=60, per="week")
    assert reason("allow", weekly, "Reddit", True, "allow", "", QuotaStatus(60, 20, 40, "week", start, reset)) == \
        "Reddit is on a budget of 60 minutes a week; 40 minutes left."
    assert reason("block", weekly, "Reddit", True, "allow", "", QuotaStatus(60, 61, 0, "week", start, reset)) == \
        "You have used your 60 minutes of Reddit for this week; a new budget starts on Monday at 00:00."


def test_never_says_why_in_the_words_that_fit():
    assert reasons.never("Facebook", ("guest-wifi",), False) == "Facebook is not available on the guest-wifi network."
    assert reasons.never("Facebook", (), True) == "Facebook is not available without a company account."
    assert reasons.never("Facebook", (), False) == "Facebook is not open to you at any time in the coming weeks."
