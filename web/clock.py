"""The panel's notion of "now": aware UTC, from the `CLOCK` setting when one is given (tests, demos)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    moment = clock() if clock else datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc)
