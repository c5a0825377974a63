"""One sentence for one decision, wherever it is read: explain, the proxy's pages and the panel.

On the sample company, for people of every kind, every site, moments across a week and budgets
fresh, nearly spent and spent: the sentence explain prints, the one the block, warn, budget-used-up
and notice pages show, and the one the employee page shows are the engine's `reason`, which
policy/words/reasons.py makes (the notice adds what happens at the end of the budget, also from there).
"""
from __future__ import annotations

import html
import re
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import policy
from cli.explain_text import render
from policy.request import Request
from policy.words import reasons
from proxy_addons.enforcing.continued import notice_threshold
from proxy_addons.pages import answers
from proxy_addons.pages.views import PageContext
from tests.support.cli_run import RULES
from tests.support.proxy_clients import NAVIGATION
from web.me.overview import overview

BERLIN = ZoneInfo("Europe/Berlin")
PEOPLE = [("alice.krueger", None), ("emma.schulz", None), ("ivan.horvat", None), (None, None),
          ("alice.krueger", "10.20.0.7"), ("nobody.known", None)]
MOMENTS = [datetime(2026, 11, 26, hour, 10, tzinfo=BERLIN) for hour in (10, 12, 19)] + \
    [datetime(2026, 11, 28, 11, 0, tzinfo=BERLIN), datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN)]


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _said(text: str) -> str:
    return " ".join(text.split())


def test_every_surface_shows_the_engines_one_sentence():
    company = policy.load(RULES)
    request = SimpleNamespace(headers={**NAVIGATION, "accept": "text/html"}, path="/", method="GET")
    pages = {"block": 0, "warn": 0, "notice": 0}
    for user, ip in PEOPLE:
        for moment in MOMENTS:
            for used in (0, 28, 30):
                shown = {site.name: site for section in overview(company, user, moment, used)
                         for site in section.sites} if user and not ip else {}
                for site in company.sites.values():
                    url = f"https://{site.domains[0]}/"
                    for method in ("GET", "POST"):
                        decision = company.decide(user, url, moment, method=method, client_ip=ip, used_minutes=used)
                        sentence = _said(decision.reason)
                        explained = render(company, Request(user, url, moment, method, ip, used), decision)
                        assert sentence in _said(explained), (user, url, moment, method)
                        page = PageContext(company, moment, "https://panel.example", site.domains[0],
                                           signed_in=user is not None)
                        if decision.action == "block":
                            assert f" {sentence} " in f" {_text(answers.block(decision, page, request).get_text())} "
                            pages["block"] += 1
                        elif decision.action == "warn":
                            assert sentence in _text(answers.warn(decision, page, "token", "/").get_text())
                            pages["warn"] += 1
                        elif decision.quota is not None and 0 < decision.quota.remaining <= \
                                notice_threshold(decision.quota.limit):
                            notice = _text(answers.notice(decision, page, "/").get_text())
                            assert _said(reasons.notice(decision.reason)) in notice
                            pages["notice"] += 1
                        if method == "GET" and site.name in shown:
                            assert shown[site.name].reason == decision.reason
    assert all(pages[kind] for kind in ("block", "warn", "notice")), pages


def test_a_grant_and_a_bare_address_speak_through_the_same_home():
    from datetime import timedelta

    from policy.changes.effective import combine
    from policy.changes.overrides import Grant
    company = policy.load(RULES)
    at = MOMENTS[0]
    granted = combine(company, (), (Grant("alice.krueger", "facebook", at + timedelta(hours=2)),)).policy
    decision = granted.decide("alice.krueger", "https://www.facebook.com/", at)
    assert decision.reason == reasons.granted("Facebook", (at + timedelta(hours=2)).astimezone(BERLIN))
    bare = company.decide_unnamed("alice.krueger", "https://157.240.1.35/", at)
    assert bare.reason in (reasons.unnamed("157.240.1.35", unrestricted, allowed)
                           for unrestricted in (True, False) for allowed in (True, False))
