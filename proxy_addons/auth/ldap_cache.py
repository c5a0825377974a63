"""Remember successful LDAP (and panel) logins for a short while.

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
from collections.abc import Callable

from mitmproxy.addons import proxyauth

MAX_ENTRIES = 10_000


class CachedValidator(proxyauth.Validator):
    def __init__(self, inner: Callable[[str, str], bool | None], ttl: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.ttl = ttl
        self._now = now
        self._key = secrets.token_bytes(32)   # per process: the cache is useless to anyone who reads memory dumps
        self._ok: OrderedDict[tuple[str, bytes], float] = OrderedDict()

    def __call__(self, username: str, password: str) -> bool:
        if self.remembered(username, password):
            return True
        if not self.inner(username, password):
            return False
        self.remember(username, password)
        return True

    def remembered(self, username: str, password: str) -> bool:
        """A successful check of these credentials is still fresh (no call to the directory)."""
        key = self._key_for(username, password)
        expires = self._ok.get(key)
        if expires is not None and expires > self._now():
            return True
        self._ok.pop(key, None)
        return False

    def remember(self, username: str, password: str) -> None:
        self._ok[self._key_for(username, password)] = self._now() + self.ttl
        while len(self._ok) > MAX_ENTRIES:
            self._ok.popitem(last=False)

    def _key_for(self, username: str, password: str) -> tuple[str, bytes]:
        return username, hmac.new(self._key, password.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()


def cache_ldap(auth_addon: proxyauth.ProxyAuth | None, ttl: float) -> bool:
    """Wrap proxyauth's LDAP validator in the cache (once); True when a wrap took place."""
    if auth_addon is None or ttl <= 0:
        return False
    validator = auth_addon.validator
    if isinstance(validator, proxyauth.Ldap):
        auth_addon.validator = CachedValidator(validator, ttl)
        return True
    return False
