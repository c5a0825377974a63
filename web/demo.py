"""The demo company: three accounts to sign in with, and seven weeks of simulated usage to look at.

Every simulated minute goes through the real engine (`Policy.decide`) at its moment, so the records
are what the proxy would have written: a budget spent at work, lunch free, video nudged, blocked
attempts after hours; the company's own community grows week over week. Seeded once per database and
marked as demo data by an audit record, which the pages turn into a visible "demo data" notice.
Passwords are random, kept in DATA/demo-accounts.txt (owner-only) and printed on every start.
"""
from __future__ import annotations

import os
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy.engine.engine import Policy
from policy.engine.principals import Groups
from storage import audit
from storage.audit import AuditRecord
from storage.privacy.private import private_folder
from storage.sign_in.accounts import find_user, new_user
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge

SEEDED = "demo data seeded"
ACCOUNTS = (("admin", "admin"), ("carol.schmitt", "manager"), ("alice.krueger", "employee"))
WEEKS = 7
FAVOURITE_SHARE = 0.85   # how often a person picks a category's first-listed site
PEAK_SHARE = 0.6         # how often a person starts in the category's busiest hour


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: str
    password: str


def seed_accounts(db: Session, data: Path) -> list[DemoAccount]:
    """The demo accounts (created on first run); their passwords come back from the data folder."""
    kept = data / "demo-accounts.txt"
    known = dict(line.split(" ", 1) for line in kept.read_text().splitlines() if " " in line) if kept.exists() else {}
    accounts = []
    for name, role in ACCOUNTS:
        if find_user(db, name) is None:
            known[name] = secrets.token_urlsafe(12)   # 16 characters: passes the password rules
            # Printed for the tour, not handed over by an admin: no change at first sign-in.
            db.add(new_user(name, role, known[name], must_change=False))
            audit.record(db, actor=None, action="account created", target=f"account:{name}",
                         after={"role": role, "active": True}, source="demo seed")
        accounts.append(DemoAccount(name, role, known.get(name, "(set before; see `watercooler user passwd`)")))
    db.commit()
    private_folder(data)
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(f"{name} {password}\n" for name, password in known.items()))
    return accounts


def is_seeded(db: Session) -> bool:
    return db.scalar(select(AuditRecord.id).where(AuditRecord.action == SEEDED).limit(1)) is not None


def seed_usage(db: Session, policy: Policy, now: datetime, seed: int = 7) -> int:
    """Simulated usage for everyone in the rules' groups up to `now`; returns the minutes stored."""
    if is_seeded(db):
        return 0
    rng, zone = random.Random(seed), policy.timezone
    people = sorted(set().union(*Groups(policy.doc.groups).members.values()))
    by_category: dict[str, list[str]] = {}
    for name, site in policy.sites.items():
        if site.domains:
            by_category.setdefault(site.category, []).append(name)
    internal = [c for c, category in policy.doc.categories.items() if category.internal]
    today = now.astimezone(zone).date()
    stored = 0
    for person in people:
        for back in range(WEEKS * 7 - 1, -1, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            growth = 1 + 0.09 * (WEEKS - 1 - back // 7)   # the community grows week over week
            plan = [(c, rng.randint(6, 16) * growth, (9, 17, 9)) for c in internal]
            if back < 14:  # external sites: the last two weeks, for the team pages
                plan += [(c, rng.randint(0, 40), (8, 19, 12)) for c in by_category if c not in internal]
            stored += _simulate_day(db, policy, person, day, plan, by_category, rng, now)
    audit.record(db, actor=None, action=SEEDED, target="usage",
                 after={"people": len(people), "minutes": stored, "weeks": WEEKS}, source="demo seed")
    db.commit()
    return stored


def _simulate_day(db, policy, person, day, plan, by_category, rng, now) -> int:
    zone, stored = policy.timezone, 0
    used: dict[str, int] = {}
    seen: set[tuple[object, ...]] = set()   # (person, site, minute) shown, (rule, minute) charged
    for category, amount, (first, last, peak) in plan:
        sites = by_category.get(category) or []
        if not sites or amount < 1:
            continue
        # Most people favour the same site of a category, as in a real team; without that, no site and
        # day would have the five people the team page needs before it shows a figure.
        site = sites[0] if rng.random() < FAVOURITE_SHARE else rng.choice(sites)
        hour = peak if rng.random() < PEAK_SHARE else rng.randint(first, last - 1)   # the morning read, lunch
        start = datetime.combine(day, time(hour, rng.randint(0, 59)), zone)
        tried = set()
        for offset in range(int(amount)):
            at = start + timedelta(minutes=offset)
            if at > now or (person, site, at) in seen:
                break
            decision = policy.decide(person, f"https://{policy.sites[site].domains[0]}/", at,
                                     used_minutes=lambda rule, period_start: used.get(rule, 0))
            if decision.action != "allow":
                kind = "blocked" if decision.action == "block" else "warned"
                if (site, kind) not in tried:
                    tried.add((site, kind))
                    db.add(Attempt(user_name=person, site=site, rule=decision.rule or "", day=day, kind=kind, count=1))
                if decision.action == "block" or rng.random() < 0.5:
                    break
            minute = at.astimezone(timezone.utc)
            seen.add((person, site, at))
            db.add(ActiveMinute(user_name=person, site=site, category=category, minute=minute, day=day))
            if decision.rule_action == "quota" and decision.rule and (decision.rule, at) not in seen:
                seen.add((decision.rule, at))  # a budget is charged once a minute, whatever the site
                used[decision.rule] = used.get(decision.rule, 0) + 1
                db.add(QuotaCharge(user_name=person, rule=decision.rule, minute=minute, day=day))
            stored += 1
    return stored
