"""Disk trouble under a spool, with the errors coming from the kernel itself.

`small_disk(folder, size)` mounts a tmpfs of `size` bytes there (the tests run as root). It fills up
by itself as the spool grows, and gets room back when the spool deletes what the database has;
`fill()` takes every free page at once with a filler file (the next write that needs space fails
with ENOSPC) and `free()` removes it. Where mounting is not allowed, the same calls lower this
process's RLIMIT_FSIZE to 0 and restore it (SIGXFSZ ignored): every write to a regular file then
fails with EFBIG, which the spool must survive the same way. That cannot model a disk the reader
frees, so `cap()` (a no-op on the tmpfs, which is that small already) lowers the limit too, and only
`free()` lifts it; `shrink()` (a no-op on the tmpfs too) lets no file grow beyond `size`, so a write
bigger than that gets part of the way, as on a disk with a little room left.
`WATERCOOLER_TEST_NO_MOUNT=1` forces the fallback.

`read_only(folder)` sets the immutable attribute on a folder: nothing can be created in it or deleted
from it, even by root, while files already open stay writable: what `chmod 0500` on the spool
folder does to a proxy that does not run as root.
"""
from __future__ import annotations

import errno
import fcntl
import os
import resource
import signal
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IMMUTABLE_FL = 0x80086601, 0x40086602, 0x10


class _Tmpfs:
    kind = "tmpfs"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._filler = folder / ".filler"

    def fill(self) -> None:
        with open(self._filler, "wb", buffering=0) as f:
            page = b"\0" * 4096
            try:
                while True:
                    f.write(page)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise

    def cap(self) -> None:
        pass

    def shrink(self) -> None:
        pass

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)


class _FileSizeLimit:
    kind = "RLIMIT_FSIZE"

    def __init__(self, folder: Path, size: int) -> None:
        self.folder, self.size = folder, size
        self._limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        self._handler = signal.getsignal(signal.SIGXFSZ)

    def fill(self) -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails, not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, self._limits[1]))

    cap = fill

    def shrink(self) -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.size, self._limits[1]))

    def free(self) -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, self._limits)
        signal.signal(signal.SIGXFSZ, self._handler)


@contextmanager
def small_disk(folder: Path, size: int = 256 * 1024) -> Iterator[_Tmpfs | _FileSizeLimit]:
    """A folder on a disk of `size` bytes the test can fill up and free again."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.environ.get("WATERCOOLER_TEST_NO_MOUNT") != "1" and _mount(folder, size):
        try:
            yield _Tmpfs(folder)
        finally:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)
        return
    disk = _FileSizeLimit(folder, size)
    try:
        yield disk
    finally:
        disk.free()


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """While inside: no file can be created in or deleted from `folder` (EPERM), even by root."""
    _set_immutable(folder, True)
    try:
        yield
    finally:
        _set_immutable(folder, False)


def _mount(folder: Path, size: int) -> bool:
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                              capture_output=True)
    except FileNotFoundError:
        return False
    return done.returncode == 0


def _set_immutable(folder: Path, on: bool) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        flags = struct.unpack("i", fcntl.ioctl(fd, FS_IOC_GETFLAGS, struct.pack("i", 0)))[0]
        flags = flags | FS_IMMUTABLE_FL if on else flags & ~FS_IMMUTABLE_FL
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("i", flags))
    finally:
        os.close(fd)
