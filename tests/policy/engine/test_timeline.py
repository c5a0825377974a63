"""Which rule decides when: the pieces of a chain's time, and the exact end of each."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from policy.engine.compiler import compile_doc
from policy.engine.timeline import Timeline
from tests.support.policies import doc, rule, schedule, site, window

BERLIN = ZoneInfo("Europe/Berlin")


def chain(*rules, schedules=()) -> Timeline:
    compiled = compile_doc(doc(sites=[site("facebook", "facebook.com")], schedules=schedules, rules=rules), BERLIN)
    return Timeline(compiled.rules, BERLIN)


def ts(*parts) -> float:
    return datetime(*parts, tzinfo=BERLIN).timestamp()


def test_pieces_follow_the_schedules():
    timeline = chain(rule("lunch", ["facebook"], when=["lunch"]), rule("otherwise", ["facebook"], "block"),
                     schedules=[schedule("lunch", window(start="12:00", end="13:00"))])
    decider, start, end, until = timeline.at(ts(2026, 11, 26, 12, 30))
    assert decider.name == "lunch" and (start, end) == (ts(2026, 11, 26, 12), ts(2026, 11, 26, 13))
    assert until == datetime(2026, 11, 26, 13, tzinfo=BERLIN)
    assert timeline.at(ts(2026, 11, 26, 13))[0].name == "otherwise"


def test_neighbouring_windows_of_one_rule_make_one_piece():
    timeline = chain(rule("breaks", ["facebook"], when=["a", "b"]), rule("otherwise", ["facebook"], "block"),
                     schedules=[schedule("a", window(start="12:00", end="13:00")),
                                schedule("b", window(start="12:30", end="14:00"))])
    assert timeline.at(ts(2026, 11, 26, 12, 10))[2] == ts(2026, 11, 26, 14)


def test_rules_after_an_unconditional_one_do_not_matter():
    timeline = chain(rule("always", ["facebook"], "block"), rule("lunch", ["facebook"], when=["lunch"]),
                     schedules=[schedule("lunch", window(start="12:00", end="13:00"))])
    assert timeline.constant and timeline.at(ts(2026, 11, 26, 12, 30))[0].name == "always"
    assert timeline.at(ts(2026, 11, 26, 12, 30))[2:] == (None, None)


def test_no_rules_means_the_default_forever():
    empty = Timeline((), BERLIN)
    assert empty.at(ts(2026, 11, 26, 12))[0] is None and empty.at(ts(2026, 11, 26, 12))[2] is None


def test_except_cuts_a_hole():
    timeline = chain(rule("open", ["facebook"], except_=["meeting"]),
                     schedules=[schedule("meeting", window(days=[3], start="10:00", end="11:00"))])
    assert timeline.at(ts(2026, 11, 26, 10, 30))[0] is None                    # Thursday's meeting
    assert timeline.at(ts(2026, 11, 26, 9))[2] == ts(2026, 11, 26, 10)
    assert timeline.at(ts(2026, 11, 27, 9))[2] == ts(2026, 12, 3, 10)                # six days on
