"""The demo's pages: a working afternoon on the demo proxy's clock, and a curl line for each page it shows.

The proxy's pages depend on the hour (lunch and evenings are free), so the demo proxy runs on a clock
that starts at the latest working afternoon at which the engine confirms every page below; the demo
accounts log in to it with their panel passwords, and their budgets that day are set so that one gets
the budget notice and another has used hers up.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from policy.engine.engine import Policy

AFTERNOON = time(14, 0)      # four working hours before the evening opens everything


@dataclass(frozen=True)
class Story:
    page: str           # what the tour calls the page
    user: str           # a demo account (web/demo.py)
    method: str
    url: str
    action: str         # what the engine must decide at the demo moment
    status: int         # what the proxy answers
    heading: str        # the page's heading, as the tour promises it; {budget}: the budget's name
    used: int | None = None     # minutes of the budget already used that day (None: as simulated)


STORIES = (
    Story("block page", "admin", "GET", "http://www.facebook.com/", "block", 403, "Facebook is closed right now"),
    Story("warn page", "alice.krueger", "GET", "http://www.youtube.com/", "warn", 403, "A moment before YouTube"),
    Story("read-only page", "alice.krueger", "POST", "http://www.linkedin.com/", "block", 403,
          "Posting on LinkedIn is closed right now"),
    Story("budget notice (once a day)", "alice.krueger", "GET", "http://www.facebook.com/", "allow", 200,
          "3 minutes left on {budget} today", used=27),
    Story("used-up page", "carol.schmitt", "GET", "http://x.com/", "block", 403, "You've used your time on {budget}",
          used=30),
)


def demo_moment(policy: Policy, now: datetime) -> datetime:
    """The latest working afternoon, at or before `now`, at which the engine decides every story as told."""
    local = now.astimezone(policy.timezone)
    day = local.date() if local.time() >= AFTERNOON else local.date() - timedelta(days=1)
    for _ in range(60):
        moment = datetime.combine(day, AFTERNOON, policy.timezone)
        if all(policy.decide(story.user, story.url, moment, method=story.method,
                             used_minutes=story.used or 0).action == story.action for story in STORIES):
            return moment
        day -= timedelta(days=1)
    raise ValueError("the rules give none of the demo's pages on any working afternoon of the last 60 days")


Charges = list[tuple[str, str, date, list[datetime]]]     # user, quota rule, local day, minutes (UTC)


def budgets(policy: Policy, moment: datetime) -> Charges:
    """(user, quota rule, minutes to charge) that make each story's budget what it says at `moment`."""
    found = []
    for story in STORIES:
        if story.used is None:
            continue
        decision = policy.decide(story.user, story.url, moment, method=story.method, used_minutes=story.used)
        assert decision.rule is not None and decision.quota is not None, story
        start = decision.quota.period_start.astimezone(timezone.utc)
        found.append((story.user, decision.rule, moment.date(),
                      [start + timedelta(hours=8, minutes=n) for n in range(story.used)]))
    return found


def set_budgets(db_url: str | None, charges: Charges) -> None:
    """Store exactly these charges for each (user, rule) from the first one on (a rerun starts afresh)."""
    from sqlalchemy import delete, insert
    from sqlalchemy.orm import Session

    from storage.db import make_engine
    from storage.usage.tables import QuotaCharge

    engine = make_engine(db_url)
    try:
        with Session(engine) as db:
            for user, rule, day, minutes in charges:
                db.execute(delete(QuotaCharge).where(QuotaCharge.user_name == user, QuotaCharge.rule == rule,
                                                     QuotaCharge.minute >= minutes[0]))
                db.execute(insert(QuotaCharge), [{"user_name": user, "rule": rule, "minute": minute,
                                                  "day": day} for minute in minutes])
            db.commit()
    finally:
        engine.dispose()


def curl_line(story: Story, password: str, proxy: str) -> str:
    """The command that shows the story's page through the demo proxy (plain HTTP: no CA needed)."""
    method = [] if story.method == "GET" else ["-X", story.method, "-d", "hello"]
    return shlex.join(["curl", "-s", "-H", "Accept: text/html", *method, "-x",
                       f"http://{story.user}:{password}@{proxy}", story.url])


def heading(policy: Policy, story: Story, moment: datetime) -> str:
    """The story's heading as its page says it: a budget by its name (policy/words/budgets.py)."""
    decision = policy.decide(story.user, story.url, moment, method=story.method, used_minutes=story.used or 0)
    budget = policy.budgets.get(decision.rule or "")
    label = policy.sites[decision.site].label if decision.site is not None and decision.site in policy.sites \
        else story.url
    return story.heading.format(budget=budget.name if budget is not None else label)


def tour(policy: Policy, moment: datetime, passwords: dict[str, str], proxy: str) -> list[str]:
    lines = [f"Every page the proxy shows: the demo proxy's clock starts at {moment:%a %d %b %Y %H:%M}, a working",
             "afternoon, so each line below shows its page until 18:00 on that clock (start the demo again for",
             "another afternoon). The demo accounts log in to the proxy with their panel passwords."]
    for story in STORIES:
        password = passwords.get(story.user)
        lines.append(f"   {story.page}: “{heading(policy, story, moment)}”")
        lines.append(f"     {curl_line(story, password, proxy)}" if password
                     else f"     ({story.user}'s password is not in the data folder; set one with "
                          f"`watercooler user passwd {story.user}`)")
    return lines
