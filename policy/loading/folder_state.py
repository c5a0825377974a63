"""What a rules folder looks like on disk, as a fingerprint that changes when any policy file does.

The proxy's watcher and the panel's policy source both ask this, so they see a change the same way.
"""
from __future__ import annotations

from pathlib import Path

from policy.loading.loader import SUFFIXES

# (file name, mtime, ctime, size, inode) per policy file: any save, copy or rename changes it.
Fingerprint = tuple[tuple[str, int, int, int, int], ...]


def snapshot(folder: str | Path) -> tuple[Fingerprint, float] | None:
    """The fingerprint and the newest change time (seconds) of the folder and its policy files;
    None when the folder is gone."""
    path = Path(folder)
    try:
        newest = path.stat().st_ctime
        files = [path] if path.is_file() else \
            sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
    except OSError:
        return None                      # gone, or unreadable while we looked
    entries = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue                     # removed while we looked: the next look sees it gone
        newest = max(newest, stat.st_ctime)
        entries.append((file.name, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino))
    return tuple(entries), newest


def fingerprint(folder: str | Path) -> Fingerprint | None:
    """What changes when a policy file is added, removed or saved; None when the folder is gone."""
    found = snapshot(folder)
    return found[0] if found else None
