"""Places and values in words."""
from __future__ import annotations

from policy.loading import wording as w


def test_places():
    data = {"rules": [{"name": "budget"}, {}], "schedules": {"lunch": [{}]}}
    assert w.place(("rules", 0, "quota", "minutes"), data) == "'quota.minutes' of rule 'budget'"
    assert w.place(("rules", 1), data) == "rule 2"
    assert w.place(("rules", 0, "who", 2), data) == "entry 3 of 'who' of rule 'budget'"
    assert w.place(("schedules", "lunch", 0, "from"), data) == "'from' of window 1 of schedule 'lunch'"
    assert w.place(("sites", "fb", "domains"), data) == "'domains' of site 'fb'"
    assert w.place(("default",), data) == "'default'" and w.place((), data) == "the file"


def test_found_values_and_suggestions():
    assert [w.found(v) for v in (None, True, 3, "x", [], {})] == [
        "nothing", "true", "the number 3", "text 'x'", "a list", "a mapping"]
    assert w.suggest("sties", ["sites", "who"]) == "did you mean 'sites'?"
    assert w.suggest("zzz", ["sites"], "fallback") == "fallback"
