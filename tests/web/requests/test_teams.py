"""Managers decide for the members of the groups they manage — at any depth — and for nobody else."""
import policy
from storage.sign_in.accounts import User
from tests.web.conftest import RULES
from web.requests.teams import deciders_of, may_decide_for, site_choices

POLICY = policy.load(RULES)


def _account(name: str, role: str) -> User:
    return User(name=name, role=role)


def test_managers_decide_for_their_own_teams_only():
    carol = _account("carol", "manager")
    assert may_decide_for(POLICY, carol, "erin")
    assert not may_decide_for(POLICY, carol, "frank")
    assert not may_decide_for(POLICY, carol, "nobody-known")


def test_admins_decide_for_everyone_and_employees_for_nobody():
    assert may_decide_for(POLICY, _account("ada", "admin"), "frank")
    assert not may_decide_for(POLICY, _account("carol", "employee"), "erin")  # the panel role counts too


def test_requests_go_to_the_managers_of_every_group_of_the_person():
    assert deciders_of(POLICY, "erin") == ["carol"]
    assert deciders_of(POLICY, "dave") == []


def test_the_community_is_not_offered_for_requests():
    assert site_choices(POLICY) == [("facebook", "Facebook"), ("linkedin", "LinkedIn"), ("youtube", "YouTube")]
