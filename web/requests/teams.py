"""Who decides for whom: a manager decides for members of the groups whose `managers:` names them."""
from __future__ import annotations

from typing import Protocol

from policy.engine.engine import Policy


class Account(Protocol):
    """Who acts: a signed-in `storage.sign_in.accounts.User`, or a step's `Actor`."""
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...


def may_decide_for(policy: Policy, account: Account, person: str) -> bool:
    """Admins decide for everyone; managers for people in a group they manage (at any depth)."""
    if account.role == "admin":
        return True
    if account.role != "manager":
        return False
    return bool(policy.groups_of(person) & policy.groups_managed_by(account.name))


def deciders_of(policy: Policy, person: str) -> list[str]:
    """The managers a request from `person` goes to."""
    return sorted({manager for group in policy.groups_of(person) for manager in policy.managers_of(group)})


def site_choices(policy: Policy, internal: bool = False) -> list[tuple[str, str]]:
    """(name, label) of the catalogue's sites; the community's own sites need no request."""
    categories = policy.doc.categories
    return sorted(((name, site.label) for name, site in policy.sites.items()
                   if internal or not (categories.get(site.category) and categories[site.category].internal)),
                  key=lambda choice: choice[1].lower())


def grantable_sites(policy: Policy, person: str, candidates: list[tuple[str, str]]) -> dict[str, int]:
    """Of `candidates` (name, label), the sites the rules let managers grant `person`: name → max hours."""
    found = {}
    for name, _ in candidates:
        try:
            found[name] = policy.grant_bound(person, name)[1].hours
        except ValueError:
            continue
    return found


def grantable_to_anyone(policy: Policy, people: set[str], candidates: list[tuple[str, str]]) -> dict[str, int]:
    """Sites some of `people` may be granted, with the longest bound among them: what a grant form offers."""
    found: dict[str, int] = {}
    for person in people:
        for name, hours in grantable_sites(policy, person, candidates).items():
            found[name] = max(hours, found.get(name, 0))
    return found
