from mitmproxy.addons import proxyauth

from proxy_addons.auth.ldap_cache import CachedValidator, cache_ldap


class CountingDirectory:
    """Stands in for an LDAP server, which cannot run in the test environment."""

    def __init__(self):
        self.binds = 0

    def __call__(self, username, password):
        self.binds += 1
        return password == "right"


def test_success_is_remembered_until_the_ttl_and_failures_never():
    now = [0.0]
    directory = CountingDirectory()
    cached = CachedValidator(directory, ttl=60, now=lambda: now[0])
    assert cached("alice", "right") and cached("alice", "right")
    assert directory.binds == 1
    assert not cached("alice", "wrong") and not cached("alice", "wrong")
    assert directory.binds == 3
    now[0] = 61
    assert cached("alice", "right")
    assert directory.binds == 4


def test_the_password_is_not_kept_in_the_cache():
    cached = CachedValidator(CountingDirectory(), ttl=60)
    cached("alice", "right")
    assert all("right" not in repr(key) for key in cached._ok)


def test_only_ldap_validators_are_wrapped():
    auth = proxyauth.ProxyAuth()
    auth.validator = proxyauth.SingleUser("alice:right")
    assert not cache_ldap(auth, 300)
    ldap = object.__new__(proxyauth.Ldap)       # a real Ldap validator binds at creation: skip its __init__
    auth.validator = ldap
    assert cache_ldap(auth, 300) and isinstance(auth.validator, CachedValidator)
    assert auth.validator.inner is ldap
