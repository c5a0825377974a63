"""Is there simulated demo data in this database? Pages say so, so nobody mistakes it for real usage."""
from __future__ import annotations

import time

from flask import current_app

from web.db import db
from web.demo import is_seeded

RECHECK = 60.0  # seconds: the answer rarely changes, and every page asks


def demo_data() -> bool:
    cache = current_app.extensions.setdefault("watercooler.demo", {"checked": 0.0, "seeded": False})
    if not cache["seeded"] and time.monotonic() - cache["checked"] > RECHECK:
        cache["checked"], cache["seeded"] = time.monotonic(), is_seeded(db())
    return cache["seeded"]
