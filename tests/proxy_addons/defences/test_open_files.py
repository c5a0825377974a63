"""The proxy raises its open-file limit to the hard limit at start and sizes its connection room by it."""
from __future__ import annotations

import resource
import subprocess
import sys

from proxy_addons.defences.open_files import RESERVE, OpenFiles

PROBE = ("from proxy_addons.defences.open_files import raise_open_file_limit; o = raise_open_file_limit(); "
         "import resource; "
         "print(o.before, o.limit, resource.getrlimit(resource.RLIMIT_NOFILE)[0]); print(o.describe())")


def test_a_low_soft_limit_is_raised_to_the_hard_limit_and_the_figure_described():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    soft = min(256, hard)
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
    figures, described = done.stdout.splitlines()
    before, after, in_force = (int(n) for n in figures.split())
    assert (before, after, in_force) == (soft, hard, hard)
    assert described.startswith(f"open files: raised from {soft:,} to {hard:,} (hard limit {hard:,}), ")


def test_room_keeps_a_reserve_and_a_site_connection_for_every_client():
    assert OpenFiles(1024, 1024, 1024, in_use=20).capacity == (1024 - 20 - RESERVE) // 2
    assert OpenFiles(64, 64, 64, in_use=20).capacity == 1          # never nothing at all
    assert OpenFiles(None, None, None, in_use=20).capacity == 4096  # no rlimits (Windows): the setting decides
