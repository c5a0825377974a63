"""`watercooler demo`: a tour of the sample company's rules: check them, test them, explain three requests,
then start the panel (with demo accounts and usage) and the proxy on them."""
from __future__ import annotations

import argparse
import io
import os
import sys
import textwrap
from datetime import datetime, timezone

from cli import demo_pages, panel, proxy, rules_folder
from cli.test_cases import print_report, report_ok
from policy import request as req
from policy.cases import run_folder
from policy.engine.engine import Policy
from policy.loading.loader import check_policy
from storage.db import data_dir

# (what happens, user, url, local time, minutes already used): a stop, a free lunch, a nudge
EXAMPLES = [
    ("A salesperson opens X mid-afternoon with her 30 minutes used up",
     "emma.schulz", "https://x.com/home", "2026-11-26T15:00", 30),
    ("A marketer reads Facebook at lunch", "alice.krueger", "https://www.facebook.com/", "2026-11-26T12:15", 30),
    ("An engineer opens a YouTube video in the morning",
     "lina.petrova", "https://www.youtube.com/watch?v=conference-talk", "2026-11-26T10:30", 0),
]
_HEADLINE = {"allow": "allowed", "block": "blocked", "warn": "asked first (warning with Continue)"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="tour the rules: check, test, and explain three requests",
                                   description=__doc__.split(":", 1)[1].strip())
    rules_folder.add_argument(parser)
    parser.add_argument("--tour-only", action="store_true", help="stop after the tour; do not start the proxy")
    parser.add_argument("--listen", type=proxy.listen_address, default=proxy.listen_address(proxy.DEFAULT_LISTEN),
                        metavar="HOST:PORT", help=f"where the proxy listens (default {proxy.DEFAULT_LISTEN})")
    parser.add_argument("--panel-listen", type=panel.listen_address, default=panel.listen_address(panel.DEFAULT_LISTEN),
                        metavar="HOST:PORT", help=f"where the panel listens (default {panel.DEFAULT_LISTEN})")
    parser.add_argument("--verbose", action="store_true",
                        help="show the proxy's own log (connections, settings) and a line per request")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from storage.privacy.private import restrict_umask
    restrict_umask()   # the data folder it fills is owner-only (storage/privacy/private.py)
    where = rules_folder.folder(args)
    print(f"Watercooler: fair limits on social media at work.\nRules folder: {where}\n")
    print("1. Checking the rules (watercooler check)")
    doc, problems = check_policy(where)
    if doc is None:
        rules_folder.print_problems(where, problems)
        return 1
    policy = Policy.from_doc(doc)
    for problem in problems:
        print(f"   {problem}")
    print(f"   OK: {len(doc.files)} files, {len(doc.sites)} sites, {len(doc.groups)} groups, "
          f"{len(doc.rules)} rules, zone {doc.timezone}; {len(problems)} warnings\n")
    print("2. Running the rules' own test cases (watercooler test)")
    report = run_folder(policy, where / "tests", policy.timezone, [rule.name for rule in doc.rules])
    out = io.StringIO()
    print_report(report, out)
    shown = [line for line in out.getvalue().splitlines() if not line.startswith("PASS")]
    print("\n".join(f"   {line}" for line in shown))
    print("\n3. Three requests, explained (watercooler explain)")
    for story, user, url, at, used in EXAMPLES:
        _example(policy, story, req.Request(user, url, req.parse_at(at, policy.timezone), used=used))
    print("\nEdit the files in the rules folder, then run `watercooler check`, `watercooler test` "
          "and `watercooler explain`.")
    if not report_ok(report) or args.tour_only:
        return 0 if report_ok(report) else 1
    taken = panel.port_taken(*args.panel_listen)
    if taken:
        print(f"watercooler demo: the panel cannot listen on {panel.address_of(*args.panel_listen)} ({taken}); "
              "give another address with --panel-listen HOST:PORT", file=sys.stderr)
        return 1
    print("\n4. Starting the proxy and the panel on these rules\n", flush=True)
    proxy_at = panel.address_of(*args.listen)
    panel_url = panel.start_demo_panel(str(where), "{}:{}".format(*args.panel_listen), proxy_address=proxy_at)
    if panel_url is None:
        return 1
    moment = demo_pages.demo_moment(policy, datetime.now(timezone.utc))
    demo_pages.set_budgets(None, demo_pages.budgets(policy, moment))
    print("\n".join(demo_pages.tour(policy, moment, demo_accounts(), proxy_at)) + "\n", flush=True)
    quiet = [] if args.verbose else ["termlog_verbosity=warn"]
    code = proxy.run(argparse.Namespace(
        rules=str(where), listen=args.listen, db=None, confdir=None, try_it=False,
        panel_url=os.environ.get("WATERCOOLER_PANEL_URL") or panel_url,
        extra=["watercooler_auth=panel", f"watercooler_test_clock={moment.isoformat()}", *quiet,
               *(["flow_detail=1"] if args.verbose else [])]))
    print(f"Stopped the demo proxy and the panel (exit {code}). The demo's data stays in {data_dir()}; "
          "`./dev run` starts it again.", flush=True)
    return code


def demo_accounts() -> dict[str, str]:
    """The demo accounts' passwords, as the panel keeps them for the tour (web/demo.py)."""
    kept = data_dir() / "demo-accounts.txt"
    lines = kept.read_text().splitlines() if kept.exists() else []
    return dict(line.split(" ", 1) for line in lines if " " in line)


def _example(policy, story: str, request: req.Request) -> None:
    decision = req.decide(policy, request)
    print(f"\n   {story} ({request.at:%a %d %b %Y %H:%M}):")
    outcome = f"-> {_HEADLINE.get(decision.action, decision.action)} by {decision.rule or 'the default'}: "
    print(textwrap.fill(outcome + decision.reason, 100, initial_indent="   ", subsequent_indent=" " * 6))
    if decision.message:
        print(textwrap.fill(f"Message shown: {decision.message}", 100, initial_indent=" " * 6,
                            subsequent_indent=" " * 6))
    if decision.until:
        until = decision.until.astimezone(policy.timezone)
        print(f"      The decision changes at {until:%H:%M} ({until:%a %d %b}).")
    print(f"      Details: watercooler explain --user {request.user} --url '{request.url}' "
          f"--at {request.at:%Y-%m-%dT%H:%M}" + (f" --used {request.used}" if request.used else ""))
