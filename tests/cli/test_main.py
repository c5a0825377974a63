"""The `watercooler` dispatcher: every command is listed, unknown ones are refused plainly."""
import subprocess
import sys

from cli.main import COMMANDS
from tests.support.cli_run import watercooler


def test_help_lists_every_command():
    result = watercooler("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


def test_no_command_prints_help_and_exits_2():
    result = watercooler()
    assert result.returncode == 2
    assert "usage: watercooler" in result.stdout


def test_unknown_command_is_a_usage_error():
    result = watercooler("chek")
    assert result.returncode == 2
    assert "invalid choice: 'chek'" in result.stderr


def test_policy_commands_do_not_load_the_database_stack():
    # Admins run check/explain/test often; they must not pay for SQLAlchemy, Flask or mitmproxy.
    code = ("import sys; from cli.main import main; main(['schema']); "
            "print(sorted(m for m in ('sqlalchemy', 'flask', 'mitmproxy') if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"
