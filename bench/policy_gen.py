"""A large, plausible policy for benchmarks: 10,000 domains, 500 rules, 2,000 users.

2,500 sites in 40 categories (two of them internal) with three domains and one asset host each;
100 groups of 20 direct members, a fifth of them including another group; 4 networks; 24 schedules
of weekday, weekend, crossing-midnight and whole-date windows; rules with every action, `who` by
group, user, network, anonymous or everyone, `sites` by name, category or domain, `when`/`except`.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from ipaddress import ip_network

from policy.actions import NAMES as ACTIONS
from policy.model import Adjustable, Category, Group, Network, PolicyDoc, Quota, Rule, Schedule, Site, Source, Window

HERE = Source("bench.yaml", 1, 1)


def generate_doc(rng: random.Random) -> PolicyDoc:
    categories = {f"cat{n}": Category(f"cat{n}", f"Category {n}", n < 2, HERE) for n in range(40)}
    sites = {}
    for n in range(2500):
        name = f"site{n}"
        category = f"cat{2 + n % 38}" if n >= 10 else f"cat{n % 2}"   # ten internal sites
        sites[name] = Site(name, f"Site {n}", category,
                           (f"{name}.com", f"{name}-app.net", f"go{n}.io"), (f"{name}cdn.net",), HERE)
    users = [f"user{n}" for n in range(2000)]
    groups = {}
    for n in range(100):
        include = (f"g{rng.randrange(n + 1, 100)}",) if n % 5 == 0 and n < 99 else ()
        groups[f"g{n}"] = Group(f"g{n}", frozenset(users[n * 20:(n + 1) * 20]),
                                frozenset({users[(n * 20 + 7) % 2000]}), include, HERE)
    networks = {f"net{n}": Network(f"net{n}", (ip_network(f"10.{20 + n}.0.0/16"),), HERE) for n in range(4)}
    schedules = {name: Schedule(name, windows, HERE) for name, windows in _schedules(rng).items()}
    rules = [_rule(n, rng, sites, categories, groups, networks, schedules) for n in range(480)]
    rules += [Rule(f"catch-all-{name}", (), (f"category:{name}",), (), (), "block", None, None, None, None, HERE)
              for name in list(categories)[2:22]]
    return PolicyDoc(1, "Europe/Berlin", categories, sites, groups, networks, schedules, tuple(rules),
                     "allow", ("bench.yaml",))


def _schedules(rng: random.Random) -> dict[str, tuple[Window, ...]]:
    made = {}
    for n in range(24):
        start = rng.randrange(0, 23) * 60 + rng.choice([0, 30])
        end = (start + rng.randrange(30, 600)) % 1440 or 1440
        days = frozenset(range(5)) if n % 3 else frozenset({5, 6})
        windows = [Window(days, None, start, end, HERE)]
        if n % 4 == 0:
            holidays = frozenset(date(2026, 11, 20) + timedelta(days=rng.randrange(30)) for _ in range(3))
            windows.append(Window(None, holidays, 0, 1440, HERE))
        made[f"sched{n}"] = tuple(windows)
    return made


def _rule(n, rng, sites, categories, groups, networks, schedules) -> Rule:
    roll = rng.random()
    if roll < 0.6:
        who = tuple(f"group:{g}" for g in rng.sample(sorted(groups), rng.randrange(1, 4)))
    elif roll < 0.7:
        who = (f"user:user{rng.randrange(2000)}",)
    elif roll < 0.8:
        who = (f"network:{rng.choice(sorted(networks))}", "anonymous")
    else:
        who = ()
    roll = rng.random()
    if roll < 0.7:
        targets = tuple(rng.sample(sorted(sites), rng.randrange(1, 8)))
    elif roll < 0.9:
        targets = (f"category:{rng.choice(sorted(categories)[2:])}",)
    else:
        targets = (f"domain:go{rng.randrange(2500)}.io",)
    when = tuple(rng.sample(sorted(schedules), rng.randrange(1, 3))) if rng.random() < 0.5 else ()
    except_ = (rng.choice(sorted(schedules)),) if rng.random() < 0.15 else ()
    action = rng.choice(ACTIONS)
    quota = Quota(rng.choice([15, 30, 60]), rng.choice(["day", "week"])) if action == "quota" else None
    adjustable = Adjustable((0, 120), None, None) if action == "quota" else None
    return Rule(f"rule{n}", who, targets, when, except_, action, quota, 30 if action == "warn" else None,
                adjustable, None, HERE)
