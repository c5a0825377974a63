"""Changes in plain words."""
import pytest

import policy
from tests.web.conftest import RULES
from web.manager.adjustable import tunables
from web.manager.wording import action_word, describe

POLICY = policy.load(RULES)


@pytest.fixture(autouse=True)
def panel_clock(app):
    """Which rule decides first for a group is worked out for the panel's today."""
    with app.app_context():
        yield


def _tunable(key: str):
    return next(t for t in tunables(POLICY, sorted(POLICY.doc.groups), []) if t.key == key)


def test_minutes_actions_and_no_change():
    assert describe(_tunable("social-budget/marketing"), {"minutes": 45}) == [
        "marketing: social-budget 30 → 45 minutes a day"]
    assert describe(_tunable("youtube-nudge/staff"), {"action": "block"}) == [
        "staff: youtube-nudge asks first → closed"]
    assert describe(_tunable("social-budget/marketing"), {"minutes": 30}) == []


def test_each_action_has_the_managers_word_and_an_unknown_one_reads_as_written():
    assert [action_word(a) for a in ("allow", "block", "warn", "quota", "read-only", "nudge")] == [
        "open", "closed", "asks first", "on a budget", "reading only", "nudge"]
