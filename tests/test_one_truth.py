"""One truth about what may I use now: the proxy, the employee's page and `explain` agree, site by site.

The same database (adjustments, a grant, minutes charged, the current minute among them) is read by
the proxy's parts (the policy holder fed by the overrides reader, the quota cache), by the panel (its
effective policy and the employee page's overview) and by `watercooler explain --db`, on SQLite and on
PostgreSQL; for every person and site, all three must tell the same outcome, budget and sentence.
Then a real proxy on such a database blocks with the very sentence `explain --db` gives.
"""
from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from proxy_addons.rules.overrides import OverridesReader
from proxy_addons.rules.watch import PolicyHolder
from storage.changes.access import Grant
from storage.changes.adjustments import Adjustment
from storage.db import make_engine
from storage.migrate import upgrade
from storage.quota.cache import QuotaCache
from storage.quota.reads import used_minutes
from storage.usage.tables import QuotaCharge
from tests.support.cli_run import RULES, watercooler
from web import create_app
from web.db import db
from web.me.overview import overview
from web.overrides import effective

NOW = datetime(2026, 11, 26, 10, 0, 30, tzinfo=timezone.utc)        # 11:00 in Berlin: work time
PEOPLE = ("alice.krueger", "bob.hartmann", "emma.schulz", "ivan.horvat", "noah.fischer")


def _seed(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    minute = NOW.replace(second=0)
    with Session(engine) as session:
        session.add_all([
            Adjustment(rule="social-budget", group_name="marketing", minutes=20, set_by="carol.schmitt", set_at=NOW),
            Adjustment(rule="contractor-budget", group_name="contractors", minutes=25, set_by="henrik.berg",
                       set_at=NOW),
            Grant(user_name="bob.hartmann", site="facebook", starts_at=NOW - timedelta(hours=1),
                  expires_at=NOW + timedelta(hours=2), granted_by="carol.schmitt")])
        # alice: 20 minutes charged, the current one among them (already paid for: 19 count, 1 left);
        # emma: 30 before now, so her budget is spent.
        session.add_all(QuotaCharge(user_name="alice.krueger", rule="social-budget",
                                    minute=minute - timedelta(minutes=i), day=date(2026, 11, 26)) for i in range(20))
        session.add_all(QuotaCharge(user_name="emma.schulz", rule="social-budget",
                                    minute=minute - timedelta(minutes=i), day=date(2026, 11, 26)) for i in range(1, 31))
        session.commit()
    engine.dispose()


def _proxy(url: str) -> dict:
    holder, reader = PolicyHolder(), OverridesReader(url)
    cache = QuotaCache(reader.engine)
    holder.load_now(str(RULES))
    asyncio.run(holder.set_overrides(*reader.read(NOW)))
    policy, found = holder.policy, {}
    current = NOW.replace(second=0)
    for asked in (True, False):          # the first asks make the keys, the refresh reads them
        for user in PEOPLE:
            for site in policy.sites.values():
                if site.domains:
                    found[user, site.name] = policy.decide(
                        user, f"https://{site.domains[0]}/", NOW,
                        used_minutes=lambda rule, start, user=user: cache.used(user, rule, start, current))
        if asked:
            cache.refresh()
    reader.close()
    return found


def _panel(url: str, tmp_path) -> dict:
    app = create_app({"TESTING": True, "DB": url, "DATA": str(tmp_path), "SECRET_KEY": "test", "RULES": str(RULES),
                      "CLOCK": lambda: NOW, "DB_SETUP": "upgrade"})
    found = {}
    with app.test_request_context():
        policy = effective(db(), NOW).policy
        for user in PEOPLE:
            for section in overview(policy, user, NOW, used_minutes(db(), user, NOW)):
                for site in section.sites:
                    found[user, site.name] = site
    return found


def _explain(url: str, names: list[tuple[str, str]], domains: dict) -> dict:
    lines = "\n".join(json.dumps({"user": user, "url": f"https://{domains[site]}/", "at": NOW.isoformat()})
                      for user, site in names)
    result = watercooler("explain", "--batch", "-", "--db", url, str(RULES), stdin=lines)
    assert result.returncode == 0, result.stderr
    return {name: json.loads(line) for name, line in zip(names, result.stdout.splitlines(), strict=True)}


def test_the_proxy_the_employee_page_and_explain_agree_on_every_site(db_url, tmp_path):
    _seed(db_url)
    proxy = _proxy(db_url)
    panel = _panel(db_url, tmp_path)
    assert sorted(panel) == sorted(proxy)
    domains = {site: decision.host for (_, site), decision in proxy.items()}
    explained = _explain(db_url, sorted(proxy), domains)
    for name, decision in proxy.items():
        page, told = panel[name], explained[name]
        quota = (decision.quota.used, decision.quota.limit) if decision.quota else None
        assert (told["action"], told["rule"], told["reason"]) == (decision.action, decision.rule, decision.reason), name
        assert (None if told["quota"] is None else (told["quota"]["used"], told["quota"]["limit"])) == quota, name
        assert page.reason == decision.reason, name
        assert (page.quota.used, page.quota.limit) == quota if page.quota else quota is None, name
    # The cases that went wrong before: the adjusted budget, the minute already paid for, the grant.
    assert (proxy["alice.krueger", "instagram"].quota.limit, proxy["alice.krueger", "instagram"].quota.used) == (20, 19)
    assert proxy["emma.schulz", "facebook"].action == "block" and panel["emma.schulz", "facebook"].state == "closed"
    assert proxy["bob.hartmann", "facebook"].action == "allow" and proxy["bob.hartmann", "facebook"].rule is None
    assert proxy["ivan.horvat", "reddit"].quota.limit == 25 and panel["ivan.horvat", "reddit"].quota.limit == 25


PROXY_RULES_EDITS = (("groups:\n  comms: {members: [carol]}\n",
                      "groups:\n  comms: {members: [carol]}\n  team: {members: [alice]}\n"),
                     ("  - name: reddit-budget\n    sites: [reddit]\n",
                      "  - name: reddit-budget\n    who: [group:team]\n    sites: [reddit]\n"
                      "    adjustable: {minutes: {min: 0, max: 10}}\n"))


def test_a_real_proxy_blocks_with_the_sentence_explain_gives(tmp_path):
    """The bug this kills: explain said minutes were left while the proxy, with the adjustment, blocked."""
    import html
    import re

    from tests.support.net import poll
    from tests.support.proxy_clients import NAVIGATION, HttpsTab
    from tests.support.proxy_env import TEST_RULES, start_env

    rules = TEST_RULES
    for old, new in PROXY_RULES_EDITS:
        assert old in rules
        rules = rules.replace(old, new)
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        session.add(Adjustment(rule="reddit-budget", group_name="team", minutes=3, set_by="carol", set_at=NOW))
        session.add_all(QuotaCharge(user_name="alice", rule="reddit-budget", day=date(2026, 11, 26),
                                    minute=datetime(2026, 11, 26, 7, i, tzinfo=timezone.utc)) for i in range(3))
        session.commit()
    engine.dispose()
    env = start_env(tmp_path / "proxy", rules, {"proxyauth": "any", "watercooler_db": url})
    try:
        env.proxy.wait_for_log("panel overrides applied: 1 adjustment(s)", timeout=30)
        tab = HttpsTab(env.port, "www.reddit.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem], auth=("alice", "pw"))
        seen = []
        poll(lambda: seen.append(tab.request("GET", "/", NAVIGATION)) or seen[-1].status == 403, timeout=30,
             what="the proxy to block alice on Reddit, her budget set to 3 minutes and spent")
        tab.close()
        shown = html.unescape(re.search(r'<p class="reason">(.*?)</p>', seen[-1].text, re.S).group(1))
    finally:
        env.stop()
    told = watercooler("explain", "--user", "alice", "--url", "https://www.reddit.com/", "--at", "2026-11-26T10:00",
                       "--db", url, str(env.rules))
    assert told.returncode == 0, told.stderr
    assert told.stdout.splitlines()[0] == "BLOCKED: GET https://www.reddit.com/"
    assert told.stdout.splitlines()[2].startswith("  using 1 adjustment, 0 grants and 3 minutes used today from ")
    assert " ".join(shown.split()).startswith("You have used your 3 minutes of Reddit for today;")
    assert " ".join(shown.split()) in " ".join(told.stdout.split())
    rules_only = watercooler("explain", "--user", "alice", "--url", "https://www.reddit.com/", "--at",
                             "2026-11-26T10:00", "--rules-only", str(env.rules))
    assert rules_only.stdout.splitlines()[0] == "ALLOWED: GET https://www.reddit.com/"   # 5 minutes, none used
