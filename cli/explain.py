"""`watercooler explain`: what the policy in force decides for one request, and why, rule by rule.

The policy in force is the rules plus the managers' adjustments and the running grants, and the
minutes used are the person's recorded ones, all read from the database (`--db`, else the configured
one), as the proxy enforces; `--rules-only` explains the rules as written. `--json` prints the
decision as JSON; `--batch FILE.jsonl` decides one JSON request per line (keys like the flags: user,
url, at, method, ip, used, continued, no_ca) and prints one JSON decision per line.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from datetime import datetime
from typing import Any

from cli import rules_folder
from cli.db import DB_HELP
from cli.explain_db import DatabaseUnreadable, Sources, open_sources, using
from cli.explain_text import render
from policy import request as req

BATCH_KEYS = ("user", "url", "at", "method", "ip", "used", "continued", "no_ca")


def register(subparsers) -> None:
    parser = subparsers.add_parser("explain", help="show what the rules decide for a request, and why",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("--user", help="who asks (omit for an anonymous request)")
    parser.add_argument("--url", help="the address requested, e.g. https://www.facebook.com/")
    parser.add_argument("--at", metavar="ISO",
                        help="when: ISO 8601, local to the policy's zone unless it has an offset (default: now)")
    parser.add_argument("--method", default="GET", metavar="M", help="HTTP method (default GET)")
    parser.add_argument("--ip", metavar="IP", help="the client's IP address (for network: rules)")
    parser.add_argument("--used", metavar="MIN", help="minutes already used in the current quota period "
                                                        "(default: as recorded in the database, else 0)")
    parser.add_argument("--continued", action="store_true", help="the user already pressed Continue")
    parser.add_argument("--no-ca", action="store_true",
                        help="as the proxy without its CA decides: a bare IP address by the rules' 'unnamed'")
    parser.add_argument("--json", action="store_true", help="print the decision as JSON")
    parser.add_argument("--batch", metavar="FILE.jsonl", help="decide one JSON request per line ('-': stdin)")
    parser.add_argument("--db", metavar="URL", help="where adjustments, grants and minutes used are read; " + DB_HELP)
    parser.add_argument("--rules-only", action="store_true",
                        help="the rules as written: no adjustments, grants or recorded minutes")
    rules_folder.add_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.batch and not args.url:
        print("watercooler explain: give --url (and usually --user), or --batch FILE.jsonl", file=sys.stderr)
        return 2
    base = rules_folder.load(args, "explain")
    if base is None:
        return 1
    try:
        sources = open_sources(base, args.db, args.rules_only)
    except DatabaseUnreadable as exc:
        print(f"watercooler explain: {exc}", file=sys.stderr)
        return 1
    try:
        return _batch(sources, args.batch) if args.batch else _one(sources, args)
    except DatabaseUnreadable as exc:
        print(f"watercooler explain: {exc}", file=sys.stderr)
        return 1
    finally:
        sources.close()


def _one(sources: Sources, args: argparse.Namespace) -> int:
    fields = {"user": args.user, "url": args.url, "at": args.at, "method": args.method, "ip": args.ip,
              "used": args.used, "continued": args.continued, "no_ca": args.no_ca}
    try:
        request = _request(fields, sources.base)
    except ValueError as exc:
        print(f"watercooler explain: {exc}", file=sys.stderr)
        return 2
    effective = sources.effective(request.at)
    decision = _decide(sources, effective.policy, request, given=args.used is not None)
    line = using(sources, effective, request.user, decision, given=args.used is not None)
    if args.json:
        out = decision.to_json()
        if sources.session is not None:
            out["using"] = line
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(render(effective.policy, request, decision, line))
    return 0


def _decide(sources: Sources, policy, request: req.Request, given: bool):
    """The decision, with the person's recorded minutes unless the minutes were given."""
    used = None if given else sources.used(request.user, request.at)
    if used is None or req.unnamed(request):
        return req.decide(policy, request)
    return policy.decide(request.user, request.url, request.at, method=request.method, client_ip=request.ip,
                         used_minutes=used, continued=request.continued)


def _request(fields: dict, policy) -> req.Request:
    """A Request from flag values or a batch line; ValueError naming the field at fault."""
    zone = policy.timezone
    parsers = {"user": req.parse_user, "url": req.parse_url, "method": req.parse_method,
               "ip": req.parse_ip, "used": req.parse_used, "continued": req.parse_continued,
               "no_ca": req.parse_no_ca,
               "at": lambda value: req.parse_at(value, zone)}
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None and key != "user":
            continue
        try:
            values[key] = parsers[key](value)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    if "url" not in values:
        raise ValueError("url: missing; every request needs the address requested")
    values.setdefault("at", datetime.now(zone))
    return req.Request(**values)


def _batch(sources: Sources, name: str) -> int:
    failed = False
    with contextlib.ExitStack() as closing:
        try:
            stream = sys.stdin.buffer if name == "-" else closing.enter_context(open(name, "rb"))
        except OSError as exc:
            print(f"watercooler explain: cannot read {name} ({exc.strerror or exc})", file=sys.stderr)
            return 1
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                fields = _batch_fields(raw)
                request = _request(fields, sources.base)
                policy = sources.effective(request.at).policy
                out = _decide(sources, policy, request, given="used" in fields).to_json()
            except ValueError as exc:   # JSON and UTF-8 errors are ValueErrors too
                out, failed = {"line": number, "error": str(exc)}, True
            print(json.dumps(out, ensure_ascii=False))
    return 1 if failed else 0


def _batch_fields(raw: bytes) -> dict:
    try:
        fields = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the line is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(fields, dict):
        raise ValueError('each line is one JSON object like {"user": "alice", "url": "https://x.com/"}')
    unknown = sorted(set(fields) - set(BATCH_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; the keys are {', '.join(BATCH_KEYS)}")
    return fields
