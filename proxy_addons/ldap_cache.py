"""Remember successful LDAP logins for a short while.

mitmproxy's LDAP check binds to the directory synchronously, on the proxy's event loop, for every
CONNECT and every plain-HTTP request: one slow directory stalls every user. A successful check is
remembered for `ttl` seconds, keyed by the user and a keyed hash of the password (the password
itself is never kept), so a changed or revoked password is asked again at the latest after `ttl`.
Failures are never cached: a typo costs one more bind, not a lock-out.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from typing import Callable

from mitmproxy.addons import proxyauth

MAX_ENTRIES = 10_000


class CachedValidator(proxyauth.Validator):
    def __init__(self, inner: Callable[[str, str], bool], ttl: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.ttl = ttl
        self._now = now
        self._key = secrets.token_bytes(32)   # per process: the cache is useless to anyone who reads memory dumps
        self._ok: OrderedDict[tuple[str, bytes], float] = OrderedDict()

    def __call__(self, username: str, password: str) -> bool:
        key = (username, hmac.new(self._key, password.encode("utf-8", "surrogatepass"), hashlib.sha256).digest())
        now = self._now()
        expires = self._ok.get(key)
        if expires is not None and expires > now:
            return True
        self._ok.pop(key, None)
        if not self.inner(username, password):
            return False
        self._ok[key] = now + self.ttl
        while len(self._ok) > MAX_ENTRIES:
            self._ok.popitem(last=False)
        return True


def cache_ldap(auth_addon: proxyauth.ProxyAuth | None, ttl: float) -> bool:
    """Wrap proxyauth's LDAP validator in the cache (once); True when a wrap took place."""
    if auth_addon is None or ttl <= 0:
        return False
    validator = auth_addon.validator
    if isinstance(validator, proxyauth.Ldap):
        auth_addon.validator = CachedValidator(validator, ttl)
        return True
    return False
