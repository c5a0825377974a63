"""`watercooler user add|passwd`: create panel accounts and reset passwords from the command line.

For the first admin (before anyone can sign in) and for scripts: `--password-stdin` reads the
password from the first line of standard input, otherwise it is asked for twice on the terminal. The
password follows storage/sign_in/passwords.py, and its owner replaces it at their first sign-in.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from storage.sign_in.accounts import ROLES


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="create panel accounts and reset their passwords")
    actions = parser.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("name", metavar="NAME", help="account name, as the rules' member lists spell it")
    add.add_argument("--role", choices=ROLES, required=True)
    passwd = actions.add_parser("passwd", help="set a new password (signs the account out everywhere; "
                                                "its owner changes it at the next sign-in)")
    passwd.add_argument("name", metavar="NAME")
    for sub in (add, passwd):
        sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        sub.add_argument("--db", metavar="URL", help="database URL (default: $WATERCOOLER_DB, or SQLite in ./data)")
        sub.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm import Session

    from storage import audit
    from storage.db import StorageError, make_engine
    from storage.sign_in.accounts import check_name, find_user, new_user
    from storage.sign_in.passwords import check_password_rules

    prog = f"watercooler user {args.user_action}"
    try:
        check_name(args.name)
        password = _read_password(args.password_stdin)
        check_password_rules(password, args.name)
        # Writes take SQLite's lock as they begin: a second `user add` of the name waits, then finds it.
        engine = make_engine(args.db).execution_options(sqlite_immediate=True)
        with Session(engine, expire_on_commit=False) as db:
            user = find_user(db, args.name)
            if args.user_action == "add":
                if user is not None:
                    raise ValueError(f"account {args.name} exists; use `watercooler user passwd {args.name}`")
                user = new_user(args.name, args.role, password)
                db.add(user)
                action, after = "account created", {"role": user.role, "active": True}
            else:
                if user is None:
                    raise ValueError(f"no account named {args.name}; create it with `watercooler user add`")
                user.set_password(password, must_change=True)
                action, after = "password reset", {"sessions": "ended", "must change": True}
            audit.record(db, actor=None, action=action, target=f"account:{user.name}", after=after,
                         source=f"command line ({getpass.getuser()})")
            db.commit()
    except (ValueError, StorageError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except IntegrityError:       # created meanwhile, under this name in some spelling: names ignore case
        print(f"{prog}: account {args.name} exists (created just now, in some spelling); "
              f"use `watercooler user passwd {args.name}`", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"{prog}: cannot use the database ({str(exc.orig).strip().splitlines()[0]}); "
              "check --db, and run `watercooler db upgrade` first", file=sys.stderr)
        return 1
    print(f"{action.capitalize()}: {user.name} ({user.role}); they choose their own password at first sign-in.")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("no terminal to ask for the password; pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first
