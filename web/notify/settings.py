"""The notification and more-time settings checked when the panel starts, so a typo is one clear
sentence naming the setting and what it takes, not a failure at the first message or page."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.notify.mail import SECURITIES
from web.notify.webhook import FORMATS
from web.requests.extra import REST_OF_DAY


class SettingsError(ValueError):
    """A setting the panel cannot work with; the message names it and the fix."""


def check_settings(config: Mapping[str, Any]) -> None:
    problems = []
    security = str(config.get("SMTP_SECURITY") or "starttls").lower()
    if security not in SECURITIES:
        problems.append(f"SMTP_SECURITY is {security!r}: use one of {', '.join(SECURITIES)}")
    form = config.get("WEBHOOK_FORMAT") or "json"
    if form not in FORMATS:
        problems.append(f"WEBHOOK_FORMAT is {form!r}: use one of {', '.join(FORMATS)}")
    extra = config.get("EXTRA_MINUTES_OPTIONS")
    entries = extra if isinstance(extra, list) else [extra]
    for entry in entries:
        if entry != REST_OF_DAY and (isinstance(entry, bool) or not isinstance(entry, int) or entry <= 0):
            problems.append(f"EXTRA_MINUTES_OPTIONS holds {entry!r}: give a JSON list of minutes and "
                            f"{REST_OF_DAY!r}, e.g. [15, 60, \"{REST_OF_DAY}\"]")
            break
    for name in ("EXTRA_MINUTES_MAX", "SMTP_PORT", "REQUEST_EXPIRY_HOURS", "GRANT_ENDING_NOTICE_MINUTES",
                 "OUTBOX_FIRST_RETRY_SECONDS"):
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            problems.append(f"{name} is {value!r}: give a number above 0")
    if problems:
        raise SettingsError("the panel's settings: " + "; ".join(problems))
