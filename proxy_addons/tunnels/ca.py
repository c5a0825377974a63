"""The Watercooler CA: mitmproxy's certificate store, created with Watercooler's name on it.

mitmproxy creates `mitmproxy-ca*` in its confdir on first start, named "mitmproxy". When the files
do not exist yet, `watercooler proxy` creates them first, named "Watercooler CA", so the certificate
employees are asked to trust says whose it is. An existing CA is never replaced.
"""
from __future__ import annotations

import os
from pathlib import Path

from mitmproxy.certs import CertStore

from storage.privacy.private import FILE_MODE, private_folder

BASENAME = "mitmproxy"          # the file names mitmproxy looks for
ORGANISATION = "Watercooler"
COMMON_NAME = "Watercooler CA"


def ca_cert_path(confdir: str | Path) -> Path:
    """The certificate to install on devices (PEM); `.cer`/`.p12` variants sit next to it."""
    return Path(confdir).expanduser() / f"{BASENAME}-ca-cert.pem"


def ensure_ca(confdir: str | Path, key_size: int = 2048) -> bool:
    """Create the Watercooler CA in `confdir` unless one is there; True when it was created."""
    folder = Path(confdir).expanduser()
    if (folder / f"{BASENAME}-ca.pem").exists():
        return False
    private_folder(folder)
    CertStore.create_store(folder, BASENAME, key_size, organization=ORGANISATION, cn=COMMON_NAME)
    for made in folder.glob(f"{BASENAME}-*"):   # mitmproxy makes only the keys private; all stay ours
        os.chmod(made, FILE_MODE)
    return True
