"""Sign-in counters: counted before each check, per account and address, windows that guessing cannot
stretch, and a count that holds under concurrency — on SQLite and PostgreSQL after migrating."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.orm import Session

from storage.sign_in.throttle import (
    EVERY,
    Limits,
    Verdict,
    counters_for,
    give_back,
    lift,
    refusal_counter,
    reserve_check,
)
from storage.utc import utcnow

LIMITS = Limits(per_pair=5, per_address=20, per_account=8, spacing=timedelta(seconds=5),
                window=timedelta(minutes=15))


def _guess(engine, times, name="erin", address="10.0.0.9", now=None):
    return [reserve_check(engine, name, address, LIMITS, now=now) for _ in range(times)]


def test_five_checks_per_account_and_address_then_that_address_waits(usage_engine):
    assert _guess(usage_engine, 5) == [Verdict.CHECK] * 5
    assert _guess(usage_engine, 3) == [Verdict.THROTTLED] * 3
    assert reserve_check(usage_engine, "erin", "10.0.0.1", LIMITS) is Verdict.CHECK      # the owner's address
    assert reserve_check(usage_engine, "carol", "10.0.0.9", LIMITS) is Verdict.CHECK     # another account
    assert reserve_check(usage_engine, "ERIN ", "10.0.0.9", LIMITS) is Verdict.THROTTLED  # names count lower-cased


def test_refused_attempts_do_not_extend_the_wait(usage_engine):
    start = utcnow()
    _guess(usage_engine, 5, now=start)
    for minutes in (1, 7, 14):   # guessing on all through the window
        assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS, now=start + timedelta(minutes=minutes)) \
            is Verdict.THROTTLED
    assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS, now=start + timedelta(minutes=15, seconds=1)) \
        is Verdict.CHECK


def test_an_address_past_its_limit_waits_whatever_name_it_tries_and_says_which_counter(usage_engine):
    for n in range(20):
        assert reserve_check(usage_engine, f"name{n}", "10.0.0.9", LIMITS) is Verdict.CHECK
    assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS) is Verdict.ADDRESS_THROTTLED
    assert refusal_counter(Verdict.ADDRESS_THROTTLED, "erin", "10.0.0.9") == (EVERY, "10.0.0.9")
    assert refusal_counter(Verdict.SLOWED, "Erin", "10.0.0.9") == ("erin", EVERY)
    assert refusal_counter(Verdict.THROTTLED, "Erin", "10.0.0.9") == ("erin", "10.0.0.9")
    assert reserve_check(usage_engine, "erin", "10.0.0.1", LIMITS) is Verdict.CHECK     # the owner's address


def test_past_the_account_limit_checks_are_spaced_not_stopped(usage_engine):
    start = utcnow()
    for address in ("10.0.0.2", "10.0.0.3"):
        _guess(usage_engine, 4, address=address, now=start)             # 8 checks: the account's limit
    assert reserve_check(usage_engine, "erin", "10.0.0.1", LIMITS, now=start + timedelta(seconds=1)) is Verdict.SLOWED
    owner_later = start + timedelta(seconds=6)
    assert reserve_check(usage_engine, "erin", "10.0.0.1", LIMITS, now=owner_later) is Verdict.CHECK
    assert reserve_check(usage_engine, "erin", "10.0.0.4", LIMITS, now=owner_later) is Verdict.SLOWED


def test_a_success_gives_its_count_back_and_an_admin_can_lift_the_rest(usage_engine):
    _guess(usage_engine, 4)
    give_back(usage_engine, "erin", "10.0.0.9")         # the fifth was the right password
    assert _guess(usage_engine, 5) == [Verdict.CHECK] * 5
    assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS) is Verdict.THROTTLED
    with Session(usage_engine) as db:
        counted = {(c.account, c.address, c.checks, c.refused) for c in counters_for(db, "Erin")}
        assert counted == {("erin", "10.0.0.9", 5, 1), ("erin", EVERY, 8, 0),     # 4 - 1 given back + 5
                           (EVERY, "10.0.0.9", 8, 0)}                               # that address, all names
        assert lift(db, "erin") == 3
        db.commit()
    assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS) is Verdict.CHECK


def test_sixty_concurrent_guesses_get_exactly_five_checks(usage_engine):
    verdicts, start = [], threading.Barrier(60)

    def guess():
        start.wait(timeout=30)
        verdicts.append(reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS))

    threads = [threading.Thread(target=guess) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(verdicts) == 60
    assert verdicts.count(Verdict.CHECK) == 5
    assert verdicts.count(Verdict.THROTTLED) + verdicts.count(Verdict.BUSY) == 55


def test_a_check_that_could_not_be_made_gives_one_back_and_keeps_the_failures_before_it(usage_engine):
    _guess(usage_engine, 5)                                          # four failures, and a fifth counted ...
    give_back(usage_engine, "erin", "10.0.0.9", signed_in=False)    # ... that the directory was away for
    assert _guess(usage_engine, 2) == [Verdict.CHECK, Verdict.THROTTLED]
    with Session(usage_engine) as db:
        assert {(c.account, c.address, c.checks) for c in counters_for(db, "erin")} == {
            ("erin", "10.0.0.9", 5), ("erin", EVERY, 5), (EVERY, "10.0.0.9", 5)}


def test_lifting_an_accounts_throttle_lifts_its_address_waiting_for_a_strangers_other_names(usage_engine):
    for n in range(20):                                               # a stranger at the shared address
        reserve_check(usage_engine, f"name{n}", "10.0.0.9", LIMITS)
    assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS) is Verdict.ADDRESS_THROTTLED
    with Session(usage_engine) as db:
        assert lift(db, "erin") == 3                                  # erin's two, and the address's
        db.commit()
    assert reserve_check(usage_engine, "erin", "10.0.0.9", LIMITS) is Verdict.CHECK
    assert reserve_check(usage_engine, "carol", "10.0.0.7", LIMITS) is Verdict.CHECK


def test_sign_ins_and_guesses_for_one_name_at_once_never_find_the_counters_busy(usage_engine):
    limits = Limits(per_pair=1000, per_address=1000, per_account=1000, window=timedelta(minutes=15))
    start, verdicts = threading.Barrier(8), []

    def sign_in(right: bool):
        start.wait(timeout=30)
        for _ in range(15):
            verdicts.append(reserve_check(usage_engine, "erin", "10.0.0.9", limits))
            if right:
                give_back(usage_engine, "erin", "10.0.0.9")

    threads = [threading.Thread(target=sign_in, args=(n % 2 == 0,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert verdicts == [Verdict.CHECK] * 8 * 15
