"""References from a rule to the catalogue: who, sites, when and except entries, checked and normalised.

A near miss suggests the closest name, and a bare name in the wrong place says which prefix it needs
(`staff` → `group:staff`, `video` → `category:video`). Each function raises `Invalid` with the fix;
the caller adds the place.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policy.language.catalogue import canonical_domain
from policy.loading.problems import Invalid
from policy.loading.wording import closest, suggest

WHO_KINDS = ("user", "group", "network")
WHO_WORDS = ("everyone", "anonymous")
SITE_KINDS = ("category", "domain")


@dataclass(frozen=True)
class Names:
    """What a rule may refer to."""
    sites: dict[str, Any]
    categories: dict[str, Any]
    groups: dict[str, Any]
    networks: dict[str, Any]
    schedules: dict[str, Any]


def who(text: str, names: Names) -> str:
    if text in WHO_WORDS:
        return text
    kind, colon, ref = text.partition(":")
    if not colon:
        if text in names.groups:
            raise Invalid(f"who entry '{text}' needs a kind", f"write 'group:{text}'")
        guess = closest(text, WHO_WORDS)
        if guess:
            raise Invalid(f"unknown who entry '{text}'", f"did you mean '{guess}'?")
        raise Invalid(f"who entry '{text}' needs a kind",
                      f"write 'user:{text}', 'group:NAME', 'network:NAME', 'anonymous' or 'everyone'")
    if kind not in WHO_KINDS:
        guess = closest(kind, WHO_KINDS)
        raise Invalid(f"unknown kind '{kind}' in who entry '{text}'", f"did you mean '{guess}:{ref}'?" if guess
                      else "use user:NAME, group:NAME or network:NAME")
    if not ref:
        raise Invalid(f"who entry '{text}' names nobody", f"write '{kind}:NAME'")
    known = {"group": names.groups, "network": names.networks}.get(kind)
    if known is not None and ref not in known:
        raise Invalid(f"unknown {kind} '{ref}'", suggest(ref, known, f"define it under '{kind}s:'"))
    return f"{kind}:{ref}"


def site(text: str, names: Names) -> str:
    kind, colon, ref = text.partition(":")
    if colon and kind == "domain":
        return "domain:" + canonical_domain(ref)
    if colon and kind == "category":
        if ref not in names.categories:
            raise Invalid(f"unknown category '{ref}'",
                          suggest(ref, names.categories, "define it under 'categories:'"))
        return text
    if colon:
        guess = closest(kind, SITE_KINDS)
        raise Invalid(f"unknown kind '{kind}' in sites entry '{text}'", f"did you mean '{guess}:{ref}'?" if guess
                      else "use a site name, category:NAME or domain:DOMAIN")
    if text in names.sites:
        return text
    if text in names.categories:
        raise Invalid(f"'{text}' is a category, not a site", f"write 'category:{text}'")
    fallback = f"write 'domain:{text}' for a domain" if "." in text else "define it under 'sites:'"
    raise Invalid(f"unknown site '{text}'", suggest(text, names.sites, fallback))


def schedule(text: str, names: Names) -> str:
    if text not in names.schedules:
        raise Invalid(f"unknown schedule '{text}'", suggest(text, names.schedules, "define it under 'schedules:'"))
    return text
