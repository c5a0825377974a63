"""Every kind of event has a headline naming the site (and, for a new request, the person)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from web.notify.events import HEADLINES, Event


@pytest.mark.parametrize("kind", sorted(HEADLINES))
def test_every_headline_names_the_site(kind):
    event = Event(kind, "erin", "facebook", "Facebook", ("erin",), "/me/", ZoneInfo("Europe/Berlin"))
    assert "Facebook" in event.headline
    assert ("erin" in event.headline) == (kind == "request.created")
