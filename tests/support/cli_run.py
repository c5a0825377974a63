"""Run the real `watercooler` command as a user would, and check it never shows a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WATERCOOLER = Path(sys.executable).parent / "watercooler"
RULES = ROOT / "rules"


def watercooler(*args: str, cwd: Path = ROOT, env: dict | None = None, stdin: str | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
    """`watercooler ARGS...` in `cwd`; the result has `.stdout`, `.stderr`, `.returncode`."""
    environment = {k: v for k, v in os.environ.items() if k != "WATERCOOLER_RULES"}
    environment.update(env or {})
    result = subprocess.run([str(WATERCOOLER), *args], cwd=cwd, env=environment, input=stdin,
                            capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result
