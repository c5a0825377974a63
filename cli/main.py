"""Entry point of the `watercooler` command: dispatches to one module per command.

Each command module exposes `register(subparsers)`, which adds its parser and sets `func`;
`func(args)` returns the exit code. No traceback ever reaches the user.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# One module per command, in the order `watercooler --help` lists them. Only the module of the command
# being run is imported, so `watercooler check` never pays for the proxy's or the panel's imports.
COMMANDS = {
    "check": "cli.check",
    "explain": "cli.explain",
    "test": "cli.test_cases",
    "publish": "cli.publish",
    "whatif": "cli.whatif",
    "schema": "cli.schema",
    "demo": "cli.demo",
    "proxy": "cli.proxy",
    "remote-endpoint": "cli.remote_endpoint",
    "panel": "cli.panel",
    "user": "cli.user",
    "db": "cli.db",
    "directory": "cli.directory",
    "usage": "cli.usage",
    "purge": "cli.purge",
    "forget": "cli.forget",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watercooler",
        description="Fair, nuanced limits on social media at work.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in (argv or []) if not a.startswith("-")), None)
    modules = [COMMANDS[wanted]] if wanted in COMMANDS else list(COMMANDS.values())
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last line of defence: a sentence, never a traceback
        print(f"watercooler {args.command}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("This is a bug in Watercooler; please report it with the command you ran.", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
