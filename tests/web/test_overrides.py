"""The effective policy adds running grants to the rules; expired grants and unknown sites drop out."""
from datetime import timedelta

from storage.changes.access import Grant
from tests.web.conftest import THURSDAY_10
from web.db import db
from web.overrides import effective_policy
from web.policy_source import current_policy


def _grant(site: str, hours: float) -> Grant:
    return Grant(user_name="frank", site=site, starts_at=THURSDAY_10 - timedelta(hours=1), granted_by="grace",
                 expires_at=THURSDAY_10 + timedelta(hours=hours))


def test_without_grants_the_rules_are_the_policy(app):
    with app.test_request_context():
        assert effective_policy(db(), THURSDAY_10) is current_policy()


def test_running_grants_open_the_site_for_that_person_only(app):
    with app.test_request_context():
        db().add_all([_grant("facebook", 2), _grant("youtube", -0.5), _grant("removed-site", 2)])
        db().commit()
        policy = effective_policy(db(), THURSDAY_10)
        assert policy.decide("frank", "https://facebook.com/", THURSDAY_10).action == "allow"
        assert policy.decide("frank", "https://youtube.com/", THURSDAY_10).action == "warn"  # expired
        assert policy.decide("dave", "https://facebook.com/", THURSDAY_10).rule == "social-budget"
        assert effective_policy(db(), THURSDAY_10) is policy  # compiled once per set of grants
