"""Everything Watercooler writes to its data folder and confdir is owner-only, whatever the umask.

The database and the spool hold who used what, the CA key can impersonate every site, the secrets sign
sessions and Continue tokens, and the health reports and demo passwords say more than anyone else on
the host needs: files are 0600 and folders 0700. Each place that creates one says so itself (below),
and `watercooler proxy`/`panel`/`demo` also narrow the process's umask for what libraries create
(SQLite's -wal and -shm files follow the database file's own mode anyway).
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def restrict_umask() -> None:
    """Keep group and others out of every file this process creates from now on."""
    os.umask(os.umask(0o077) | 0o077)


def private_folder(path: Path) -> Path:
    """`path` and the ancestors it needs, each made 0700 (an existing folder keeps its mode)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:     # another process made it a moment ago
            continue
        os.chmod(folder, FOLDER_MODE)   # mkdir's mode passes through the umask; this does not
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty and 0600 unless it exists (for files a library opens, like SQLite's)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return path


def open_private(path: str | os.PathLike[str], flags: int) -> int:
    """`os.open` for a file that is created 0600 if it must be created."""
    return os.open(path, flags, FILE_MODE)
