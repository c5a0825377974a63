"""Where to go after signing in: only a path on this site, never another host."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` when it is a plain local path, else `default`.

    Refused: anything with a scheme (`https:evil`, `javascript:`), a host (`//evil`), a backslash
    (browsers read `/\\evil` as `//evil`) or a control character (browsers drop tabs and newlines,
    turning `/\\t/evil` into `//evil`).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
