"""Destinations known only by an address: who may open them when the proxy cannot see inside.

A connection to `157.240.1.35` with no name in its TLS handshake says nothing about the site it
reaches: the `Host` inside could be any site at all. Where the proxy can look inside (its CA is
trusted), each request is decided on its own host and this setting plays no part. Where it cannot
(`watercooler_no_ca`), `unnamed:` decides, before any byte reaches the address:

    unnamed: unrestricted      # the default: only people no rule limits
    unnamed: block             # nobody
    unnamed: allow             # everybody (people can then reach blocked sites by address)
    unnamed: {allow: [group:it, network:servers, unrestricted]}

A person is unrestricted when, for every site and every `domain:` entry of the policy, at every
moment, the rules that could decide for them allow plainly (no block, warn, quota or read-only) and
the default is allow: such a person reaches nothing by an address that they could not reach by name.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policy.engine.decision import Decision, TraceStep, build
from policy.engine.outcomes import alternatives
from policy.language.references import WHO_WORDS, Names, who
from policy.loading.merge import Entry
from policy.loading.problems import Invalid, Problem
from policy.loading.wording import closest
from policy.model import UNNAMED_DEFAULT, UNNAMED_WORDS, UNRESTRICTED, Unnamed
from policy.words.reasons import unnamed as unnamed_reason

if TYPE_CHECKING:
    from policy.engine.engine import Policy
    from policy.engine.sitemap import HostMatch


def build_unnamed(entry: Entry | None, names: Names, problems: list[Problem]) -> Unnamed:
    """The `unnamed` setting as written (its shape is already checked by the schema)."""
    if entry is None:
        return UNNAMED_DEFAULT
    if isinstance(entry.value, str):
        return Unnamed(UNNAMED_WORDS[entry.value], entry.at())
    allowed = []
    for index, text in enumerate(entry.value["allow"]):
        text = str(text).strip()
        words = (UNRESTRICTED, *WHO_WORDS)
        try:
            if text not in words and ":" not in text and closest(text, words):
                raise Invalid(f"unknown entry '{text}'", f"did you mean '{closest(text, words)}'?")
            allowed.append(text if text == UNRESTRICTED else who(text, names))
        except Invalid as exc:
            problems.append(Problem.at(entry.at("allow", index), f"{exc.message} in 'unnamed.allow'", exc.fix))
    return Unnamed(tuple(dict.fromkeys(allowed)), entry.at())


def restriction(policy: Policy, principal: int) -> str | None:
    """What can limit this principal (a rule's name, or 'default: block'); None when nothing can.

    A rule can decide for a host only up to the first rule of its chain that always applies, so a
    team's own always-allow rule shields it from the limits placed further down. Checking each
    site's and each `domain:` entry's chain on its own is enough: a host matching several of them
    has a chain whose deciding rules all belong to one of theirs."""
    if policy.doc.default != "allow":
        return "default: block"
    rules = policy.rules()
    for mask in sorted(policy.host_masks()):
        chain = principal & mask
        while chain:                             # the chain's rules in order, lowest bit first
            bit = chain & -chain
            rule = rules[bit.bit_length() - 1]
            if rule.rule.action != "allow":
                name: str = rule.name
                return name
            if rule.always:
                break
            chain ^= bit
    return None


def allows(policy: Policy, setting: Unnamed, user: str | None, client_ip: object,
           principal: int) -> tuple[str | None, str | None]:
    """(the entry of `unnamed.allow` that lets this asker open an unnamed destination, or None;
    what limits them, when the word `unrestricted` was asked about and they are limited)."""
    limited = None
    for entry in setting.allow:
        kind, _, name = entry.partition(":")
        if entry == "everyone" or (entry == "anonymous" and user is None) \
                or (kind == "user" and user == name) or (kind == "group" and name in policy.groups_of(user)) \
                or (kind == "network" and client_ip is not None and name in policy.networks_of(client_ip)):
            return entry, None
        if entry == UNRESTRICTED:
            limited = policy.restriction(principal)
            if limited is None:
                return entry, None
    return None, limited


class UnnamedWhy:
    """Explains an unnamed decision when it is read (see `policy.engine.decision._Explained`)."""

    def __init__(self, policy: Policy, host: str, entry: str | None, limited: str | None, subject: str,
                 principal: int, ts: float) -> None:
        self.policy, self.host, self.entry, self.limited, self.subject, self.principal, self.ts = \
            policy, host, entry, limited, subject, principal, ts

    def explain_reason(self) -> str:
        return unnamed_reason(self.host, self.entry == UNRESTRICTED, self.entry is not None)

    def explain_alternatives(self) -> tuple[Any, ...]:
        return alternatives(self.policy, self.principal, self.ts)

    def explain_trace(self) -> list[Any]:
        allowed = self.policy.doc.unnamed.allow
        listed = f"unnamed allows {', '.join(allowed)}" if allowed else "unnamed allows nobody"
        if self.entry == UNRESTRICTED:
            verdict = f"no rule limits {self.subject} → allow"
        elif self.entry is not None:
            verdict = f"{self.subject} is {self.entry} → allow"
        elif self.limited is not None:
            limit = self.limited if self.limited.startswith("default") else f"rule {self.limited}"
            verdict = f"{self.subject} is not among them, and is limited by {limit} → block"
        else:
            verdict = f"{self.subject} is not among them → block"
        return [TraceStep("unnamed", True, f"{self.host} is an address that names no site and nothing inside "
                                           f"can be seen; {listed}; {verdict}")]


def decide_unnamed(policy: Policy, match: HostMatch, user: str | None, client_ip: object, principal: int,
                   ts: float) -> Decision:
    """The decision for an address (`match`: known to no site) by the policy's `unnamed` setting."""
    entry, limited = allows(policy, policy.doc.unnamed, user, client_ip, principal)
    action = "allow" if entry is not None else "block"
    subject = user if user is not None else "an anonymous request"
    explained = UnnamedWhy(policy, match.host, entry, limited, subject, principal, ts)
    return build(action, action, None, match, None, None, explained)
