"""The last-good manifest: what the proxy last enforced from each rules folder, kept across restarts.

After every policy it puts in force, the proxy records the files and named entries of that policy
(policy/review/removals.py) in `watercooler-rules-last-good.json` in its confdir, keyed by the folder's
absolute path. At the next start the rules are compared with it, so a file lost while the proxy was
stopped is refused as it would be on a reload; `watercooler check` compares with it too. Written to a
temporary file and renamed, so a crash never leaves half a manifest.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from policy.review.removals import Inventory

FILE_NAME = "watercooler-rules-last-good.json"


def manifest_path(confdir: str | Path) -> Path:
    return Path(confdir).expanduser() / FILE_NAME


def folder_key(folder: str | Path) -> str:
    """Absolute, but not resolved: a folder that is a symlink swapped on publish keeps its key."""
    return str(Path(folder).expanduser().absolute())


def recorded(path: Path, folder: str | Path) -> Inventory | None:
    """The inventory last recorded for `folder`; None when there is none (or it cannot be read)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8")).get(folder_key(folder))
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(entry, dict):
        return None
    return {kind: dict(names) for kind, names in entry.items() if isinstance(names, dict)}


def record(path: Path, folder: str | Path, found: Inventory) -> None:
    """Remember `found` for `folder`; OSError when the confdir cannot be written."""
    try:
        everything = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(everything, dict):
            everything = {}
    except (OSError, ValueError):
        everything = {}
    everything[folder_key(folder)] = found
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    # Owner-only whatever the umask, like everything in the confdir (it names the rules folder's sites).
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(everything, indent=1, sort_keys=True))
    os.replace(temporary, path)
