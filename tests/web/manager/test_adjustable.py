"""What a manager may tune: adjustable rules whose groups contain the manager's groups."""
import pytest

import policy
from storage.changes.adjustments import Adjustment
from storage.sign_in.accounts import User
from tests.web.conftest import RULES
from web.manager.adjustable import managed_groups, tunables

POLICY = policy.load(RULES)


@pytest.fixture(autouse=True)
def panel_clock(app):
    """Which rule decides first for a group is worked out for the panel's today."""
    with app.app_context():
        yield


def test_a_rule_for_staff_is_tunable_for_each_group_inside_staff():
    keys = [t.key for t in tunables(POLICY, ["marketing", "engineering", "communications"], [])]
    assert keys == ["youtube-nudge/marketing", "social-budget/marketing",
                    "youtube-nudge/engineering", "social-budget/engineering"]  # communications is not in staff


def test_managers_get_their_groups_admins_all_employees_none():
    assert managed_groups(POLICY, User(name="carol", role="manager")) == ["marketing"]
    assert managed_groups(POLICY, User(name="ada", role="admin")) == sorted(POLICY.doc.groups)
    assert managed_groups(POLICY, User(name="carol", role="employee")) == []


def test_the_value_in_force_is_the_adjustment_else_the_rule():
    row = Adjustment(rule="social-budget", group_name="marketing", minutes=45)
    adjusted, plain = tunables(POLICY, ["marketing", "engineering"], [row])[1::2]
    assert (adjusted.value("minutes"), plain.value("minutes")) == (45, 30)
    assert adjusted.value("action") == "quota"
