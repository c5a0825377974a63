import time
from datetime import datetime, timedelta, timezone

import pytest

from proxy_addons.clock import Clock, SimulatedClock, parse_clock
from tests.support.net import poll


def test_real_clock_is_aware_utc():
    now = Clock().now()
    assert now.tzinfo is not None and abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_test_clock_starts_at_the_given_moment_and_runs_faster():
    clock = parse_clock("2026-11-26T12:59:57+01:00x60")
    assert isinstance(clock, SimulatedClock) and clock.speed == 60
    start = datetime.fromisoformat("2026-11-26T12:59:57+01:00")
    assert timedelta(0) <= clock.now() - start < timedelta(minutes=5)
    # a moment 60 clock-seconds away is at most one real second away
    assert clock.seconds_until(clock.now() + timedelta(seconds=60)) <= 1.0
    assert clock.seconds_until(start - timedelta(days=1)) == 0.0


@pytest.mark.parametrize("spec", ["2026-11-26T12:00", "yesterday", "2026-11-26T12:00+01:00x0"])
def test_bad_test_clocks_are_refused_with_the_option_name(spec):
    with pytest.raises(ValueError, match="watercooler_test_clock"):
        parse_clock(spec)


def test_test_clocks_with_one_anchor_read_the_same_moment_whenever_they_start():
    anchor = time.time() - 30                                    # the moment was read 30 real seconds ago
    spec = f"2026-11-26T12:00:00+01:00x2@{anchor}"
    early, late = parse_clock(spec), parse_clock(spec)
    assert abs(early.now() - late.now()) < timedelta(seconds=1)
    started = datetime.fromisoformat("2026-11-26T12:00:00+01:00")
    assert timedelta(seconds=59) <= early.now() - started < timedelta(seconds=65)


def test_ticks_run_at_the_clock_speed():
    fast, real = parse_clock("2026-11-26T12:00:00+01:00x60"), Clock()
    before_fast, before_real = fast.ticks(), real.ticks()
    poll(lambda: real.ticks() - before_real >= 0.05, timeout=5, what="50 ms of real time")
    assert fast.ticks() - before_fast >= 60 * 0.05
