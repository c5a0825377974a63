"""Openings are the engine's own decisions walked forward: every sentence names only times it confirms."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from policy.engine.engine import Policy
from policy.loading.loader import load_doc
from policy.words.openings import kind_of, next_opening, pattern, walk
from policy.words.openings_text import opens_sentence
from tests.support.policies import doc, group, rule, schedule, site, window

BERLIN = ZoneInfo("Europe/Berlin")
X = "https://x.com/"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@pytest.fixture(scope="module")
def company() -> Policy:
    return Policy(load_doc("rules"))


def test_the_sample_company_week_for_staff(company):
    found = pattern(company, "emma.schulz", X, date(2026, 12, 3))
    assert opens_sentence(found) == (
        "Open to you: Mon–Thu 12:00–13:30 and 18:00–07:00; Fri 12:00–13:30 and from 18:00; Sat, Sun all day; "
        "also 24, 25 and 31 Dec all day; at other times within your budget of 30 minutes a day.")


def test_holidays_show_only_in_their_month_and_when_they_open_something(company):
    november = opens_sentence(pattern(company, "emma.schulz", X, date(2026, 11, 26)))
    assert "also" not in november and "Dec" not in november
    # 26 Dec 2026 is a Saturday: open anyway, so not named.
    assert "26" not in opens_sentence(pattern(company, "emma.schulz", X, date(2026, 12, 22)))


def test_guests_are_never_told_of_lunch_or_evenings(company):
    guest = company.decide(None, X, datetime(2026, 12, 3, 12, 30, tzinfo=BERLIN), client_ip="10.20.4.4")
    assert guest.action == "block" and guest.opens is None
    assert guest.reason == "X (Twitter) is not available on the guest-wifi network."
    assert opens_sentence(pattern(company, None, X, date(2026, 12, 3), client_ip="10.20.4.4")) == ""
    stranger = company.decide(None, X, datetime(2026, 12, 3, 12, 30, tzinfo=BERLIN))
    assert stranger.reason == "X (Twitter) is not available without a company account."


def test_the_next_opening_is_the_first_allowed_moment_not_the_next_change(company):
    used_up = company.decide("emma.schulz", X, datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN), used_minutes=30)
    assert used_up.opens == datetime(2026, 12, 3, 18, 0, tzinfo=BERLIN)
    assert company.decide("emma.schulz", X, used_up.opens, used_minutes=30).action == "allow"
    posting = company.decide("emma.schulz", "https://www.linkedin.com/", datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN),
                             method="POST")
    assert posting.opens == datetime(2026, 12, 3, 18, 0, tzinfo=BERLIN)
    assert posting.reason.endswith("Posting is open to you: Mon–Thu 12:00–13:30 and 18:00–07:00; "
                                   "Fri 12:00–13:30 and from 18:00; Sat, Sun all day; also 24, 25 and 31 Dec all day.")


def test_every_day_is_said_so():
    daily = Policy.from_doc(doc(sites=[site("facebook", "facebook.com")],
                                schedules=[schedule("lunch", window(range(7), "12:00", "13:00"))],
                                rules=[rule("lunch", ["facebook"], when=["lunch"]), rule("no", ["facebook"], "block")]))
    assert opens_sentence(pattern(daily, "alice", "https://facebook.com/", date(2026, 11, 26))) == \
        "Open to you: every day 12:00–13:00."


def test_the_walk_joins_stretches_of_one_kind(company):
    start = datetime(2026, 12, 4, 17, 0, tzinfo=BERLIN)            # a Friday afternoon
    stretches = walk(company, "zed", X, start, start + timedelta(days=3))
    assert [(s.start.strftime("%a %H:%M"), s.kind) for s in stretches] == [
        ("Fri 17:00", "closed"), ("Fri 18:00", "free"),
        ("Mon 00:00", "closed"), ("Mon 12:00", "free"), ("Mon 13:30", "closed")]   # Sunday has no evening


# --- Generated policies: whatever the rules, a named opening is one the engine confirms. ---

def claims(sentence: str, today: date, exceptions: set[date]) -> list[datetime]:
    """Every moment the sentence promises as free, from today to the month's end (a few per piece)."""
    if not sentence.startswith("Open to you: "):
        return []
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    moments: list[datetime] = []
    body = sentence[len("Open to you: "):].rstrip(".")
    for part in body.split("; "):
        part = part.removeprefix("also ")
        if part.startswith("at other times"):
            continue
        part = part.replace("every day ", "Mon–Sun ", 1) if part.startswith("every day ") else part
        day = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
        weekdays = re.match(rf"^({day}(?:(?:–|, ){day})*) (.*)$", part)
        if weekdays:
            names, times = weekdays.groups()
            if "–" in names:
                low, high = (_DAYS.index(name) for name in names.split("–"))
                wanted = set(range(low, high + 1))
            else:
                wanted = {_DAYS.index(name) for name in names.split(", ")}
            days = [today + timedelta(days=n) for n in range((month_end - today).days)]
            days = [day for day in days if day.weekday() in wanted and day not in exceptions]
        else:
            dated = re.match(r"^((?:\d+(?:, | and ))*\d+ [A-Z][a-z]{2}) (.*)$", part)
            assert dated, part
            numbers, times = dated.groups()
            days = [today.replace(day=int(n)) for n in re.findall(r"\d+", numbers)]
        for day in days:
            for piece in times.split(" and "):
                if piece == "closed":
                    continue
                if piece == "all day":
                    low, high = 0, 1440
                elif piece.startswith("from "):
                    low, high = _minute(piece[5:]), 1440
                else:
                    low, high = (_minute(clock) for clock in piece.split("–"))
                    high += 1440 if high <= low else 0
                for minute in {low, (low + high) // 2, high - 1}:
                    moments.append(datetime(day.year, day.month, day.day, tzinfo=BERLIN) + timedelta(minutes=minute))
    return moments


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


clocks = st.integers(0, 47).map(lambda n: f"{n // 2:02d}:{n % 2 * 30:02d}")
windows = st.one_of(
    st.builds(lambda days, start, end: window(days, start, end if end != start else "24:00"),
              st.frozensets(st.integers(0, 6), min_size=1), clocks, clocks),
    st.builds(lambda dates: window(None, dates=dates),
              st.frozensets(st.dates(date(2026, 11, 20), date(2027, 1, 10)), min_size=1, max_size=3)))
schedule_sets = st.lists(st.lists(windows, min_size=1, max_size=2), min_size=1, max_size=3)
rule_shapes = st.lists(st.tuples(st.sampled_from(["allow", "block", "quota", "warn", "read-only"]),
                                 st.sets(st.integers(0, 2)), st.sets(st.integers(0, 2)), st.booleans(),
                                 st.sampled_from(["day", "week"])), min_size=1, max_size=4)


def generated(windows_of, shapes, default) -> Policy:
    names = [f"s{n}" for n in range(len(windows_of))]
    rules = []
    for index, (action, when, except_, mine, per) in enumerate(shapes):
        rules.append(rule(f"r{index}", ["facebook"], action, who=["group:mine"] if mine else [],
                          when=[names[n] for n in when if n < len(names)],
                          except_=[names[n] for n in except_ if n < len(names)],
                          quota=20 if action == "quota" else None, per=per,
                          remember=30 if action == "warn" else None))
    return Policy.from_doc(doc(sites=[site("facebook", "facebook.com")], groups=[group("mine", ["alice"])],
                               schedules=[schedule(name, *ws) for name, ws in zip(names, windows_of, strict=True)],
                               rules=rules, default=default))


@settings(max_examples=int(__import__('os').environ.get('OPENINGS_EXAMPLES', 60)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(schedule_sets, rule_shapes, st.sampled_from(["allow", "block"]), st.sampled_from(["alice", "bob", None]),
       st.datetimes(datetime(2026, 11, 20), datetime(2026, 12, 31)), st.sampled_from(["GET", "POST"]))
def test_every_named_opening_is_confirmed_by_the_engine(windows_of, shapes, default, user, moment, method):
    policy = generated(windows_of, shapes, default)
    now = moment.replace(tzinfo=BERLIN)
    found = pattern(policy, user, "https://facebook.com/", now.date(), method=method)
    sentence = opens_sentence(found)
    for claimed in claims(sentence, now.date(), {day for day, _ in found.exceptions}):
        decision = policy.decide(user, "https://facebook.com/", claimed, method=method)
        assert kind_of(decision) == "free", (sentence, claimed, decision.rule)
    opens = next_opening(policy, user, "https://facebook.com/", now, method=method)
    if opens is not None:
        assert opens > now and policy.decide(user, "https://facebook.com/", opens, method=method).action != "block"


@pytest.mark.parametrize("user, url, today", [
    ("emma.schulz", X, date(2026, 12, 3)), ("ivan.horvat", X, date(2026, 12, 21)), ("zed", X, date(2026, 11, 2)),
    ("alice.krueger", "https://www.youtube.com/", date(2026, 12, 30)), ("lena.hoffmann", X, date(2026, 12, 3))])
def test_every_named_opening_on_the_sample_company_is_confirmed(company, user, url, today):
    found = pattern(company, user, url, today)
    sentence = opens_sentence(found)
    moments = claims(sentence, today, {day for day, _ in found.exceptions})
    assert moments or user == "lena.hoffmann"          # communications: always open, nothing to name
    for claimed in moments:
        assert kind_of(company.decide(user, url, claimed)) == "free", (sentence, claimed)


def test_the_next_opening_is_remembered_per_piece_and_never_shared_wrongly(company):
    thursday = datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)
    first = company.decide("emma.schulz", X, thursday, used_minutes=30).opens
    later = company.decide("emma.schulz", X, thursday + timedelta(hours=2, minutes=59), used_minutes=30).opens
    assert first == later == datetime(2026, 12, 3, 18, 0, tzinfo=BERLIN)
    guest = company.decide("emma.schulz", X, thursday, used_minutes=30, client_ip="10.20.0.5")
    assert guest.opens is None                                  # the same person on the guest network: never
    zed = company.decide("zed", X, datetime(2026, 12, 4, 14, 0, tzinfo=BERLIN)).opens   # a Friday afternoon
    assert zed == datetime(2026, 12, 4, 18, 0, tzinfo=BERLIN)
    monday_night = company.decide("zed", X, datetime(2026, 12, 7, 3, 0, tzinfo=BERLIN)).opens
    assert monday_night == datetime(2026, 12, 7, 12, 0, tzinfo=BERLIN)
