"""Moments said the way people say them: "today at 12:00", "tomorrow at 07:00", "Monday at 07:00"."""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo


def friendly_moment(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """`moment` relative to `now`, both read in `zone` (the policy's time zone)."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days <= 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days < 7:
        return f"{local.strftime('%A')} at {clock}"
    return f"on {local.day} {local.strftime('%B')} at {clock}"


def friendly_duration(delta: timedelta) -> str:
    """A rounded duration: "45 minutes", "2 hours", "1 hour 30 minutes"."""
    minutes = max(0, round(delta.total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
