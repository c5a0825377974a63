"""The panel's side of sign-in throttling (storage/sign_in/throttle.py): limits from the settings,
one call before a password check and one after it, for sign-in and the current-password check alike.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from storage.audit import SIGN_IN_FAILED, SIGN_IN_THROTTLED
from storage.sign_in import reports as sign_in_reports
from storage.sign_in.throttle import Limits, Verdict, forget_ended, give_back, refusal_counter, reserve_check
from web.db import engine

# What each refusal says; none tells whether the account exists.
REFUSALS = {
    Verdict.THROTTLED: ("Too many failed sign-ins from your address. Wait a few minutes and try again.", 429),
    Verdict.ADDRESS_THROTTLED: ("Too many failed sign-ins from your address. Wait a few minutes and try again.",
                                429),
    Verdict.SLOWED: ("This account has had many failed sign-ins. Wait a few seconds and try again.", 429),
    Verdict.BUSY: ("The panel is busy. Try again in a moment.", 503),
}


def limits() -> Limits:
    config = current_app.config
    return Limits(per_pair=int(config["LOGIN_MAX_FAILURES"]),
                  per_address=int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
                  per_account=int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
                  spacing=timedelta(seconds=float(config["LOGIN_SLOW_SECONDS"])),
                  window=timedelta(seconds=int(config["LOGIN_WINDOW_SECONDS"])))


def before_check(name: str, address: str | None, refused_action: str = SIGN_IN_THROTTLED) -> Verdict:
    """Count the check about to be made, or refuse it (recorded once per burst)."""
    verdict = reserve_check(engine(), name, address, limits())
    if verdict is Verdict.CHECK:
        return verdict
    if verdict is not Verdict.BUSY:
        sign_in_reports.report_once(engine(), name, address, kind=sign_in_reports.REFUSED,
                                    action=refused_action, why=verdict.value, window=limits().window,
                                    counter=refusal_counter(verdict, name, address))
    return verdict


def not_checked(name: str, address: str | None) -> None:
    """The check counted by before_check could not be made (the directory was away): it gives its count
    back everywhere, and the failures before it stay counted."""
    give_back(engine(), name, address, signed_in=False)


def after_check(name: str, address: str | None, ok: bool, failed_action: str = SIGN_IN_FAILED,
                why: str = "wrong name or password") -> None:
    if ok:
        give_back(engine(), name, address)
        return
    sign_in_reports.report_once(engine(), name, address, kind=sign_in_reports.FAILED,
                                action=failed_action, why=why, window=limits().window)
    forget_ended(engine(), limits().window)


def account_target(name: str) -> str:
    return f"account:{name}"
