"""Whether an account's name is one the rules know: its groups, or a warning with the closest known name.

Account names are the rules' user names, so a typo gives someone the policy of nobody in particular;
the accounts page says so when the account is made, and lists each account's groups.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from policy.engine.engine import Policy
from policy.engine.principals import Groups


@dataclass(frozen=True)
class NameInRules:
    name: str
    groups: tuple[str, ...]         # the groups they are in
    manages: tuple[str, ...] = ()   # the groups whose managers: names them
    closest: str | None = None      # a known name it may be a typo of

    @property
    def known(self) -> bool:
        return bool(self.groups or self.manages)

    def words(self) -> str:
        """`groups marketing, staff; manages marketing`, for the accounts list."""
        parts = [f"groups {', '.join(self.groups)}"] if self.groups else []
        parts += [f"manages {', '.join(self.manages)}"] if self.manages else []
        return "; ".join(parts) or "in no group"

    def sentence(self) -> str:
        if self.known:
            return f"The rules know {self.name}: {self.words()}."
        hint = f" Did you mean {self.closest}?" if self.closest else ""
        return (f"The rules name {self.name} in no group, so only the rules for everyone apply to them; "
                f"check the spelling against the rules' members and managers.{hint}")


def known_names(policy: Policy) -> frozenset[str]:
    """Every member and manager of every group in the rules (through included groups too)."""
    groups = Groups(policy.doc.groups)
    found = {person for people in groups.members.values() for person in people}
    found.update(manager for group in policy.doc.groups.values() for manager in group.managers)
    return frozenset(found)


def name_in_rules(policy: Policy, name: str, known: frozenset[str] | None = None) -> NameInRules:
    groups, manages = tuple(sorted(policy.groups_of(name))), tuple(sorted(policy.groups_managed_by(name)))
    if groups or manages:
        return NameInRules(name, groups, manages)
    candidates = sorted(known if known is not None else known_names(policy))
    closest = get_close_matches(name.lower(), candidates, n=1, cutoff=0.75)
    return NameInRules(name, (), (), closest[0] if closest else None)
