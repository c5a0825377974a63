"""The per-installation secret that signs warn-page tokens.

Kept in a file (default `watercooler-secret` in mitmproxy's confdir, next to the CA), created on
first start with 32 random bytes and mode 0600. Several proxies that share users behind a load
balancer should share the file, so a Continue issued by one is honoured by the others.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from storage.privacy.private import private_folder

FILE_NAME = "watercooler-secret"
MIN_LENGTH = 32


class SecretError(ValueError):
    pass


def secret_path(option: str, confdir: str) -> Path:
    return Path(option or Path(confdir) / FILE_NAME).expanduser()


def load_or_create_secret(path: Path) -> bytes:
    """The secret in `path`; a new random one is written there when the file does not exist."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return _create(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"{path}: cannot read the warn-token secret ({exc}); "
                          "fix its permissions, or delete it to have a new one generated") from None
    if len(text) < MIN_LENGTH:
        raise SecretError(f"{path}:1:1: the warn-token secret is too short ({len(text)} characters); "
                          f"use at least {MIN_LENGTH} random characters, or delete the file to generate one")
    return text.encode("ascii")


def _create(path: Path) -> bytes:
    text = secrets.token_hex(32)
    try:
        private_folder(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:       # another proxy created it a moment ago: use theirs
        return load_or_create_secret(path)
    except OSError as exc:
        raise SecretError(f"{path}: cannot create the warn-token secret ({exc}); "
                          "set watercooler_secret to a writable path") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return text.encode("ascii")
