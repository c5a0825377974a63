"""Who is asking: the proxy login, else the static address map, else anonymous; and from where.

`flow.metadata["proxyauth"]` is `(user, password)`: only the user name is ever taken from it, so the
password is never logged, stored, or passed to the policy.
"""
from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address
from typing import Any, NamedTuple

from proxy_addons.auth.ipmap import IpUserMap


class Who(NamedTuple):
    """A tuple: made on every request and a key of the decision cache, so cheap to make and hash."""
    user: str | None           # None: anonymous
    client_ip: str | None

    @property
    def key(self) -> str:
        """Whom a Continue or a notice belongs to: the user, or the address for anonymous clients."""
        return f"user:{self.user}" if self.user else f"ip:{self.client_ip}"


def client_ip(peername: Any) -> str | None:
    """The client's address, with IPv4-mapped IPv6 (::ffff:10.0.0.1) written as IPv4."""
    return _canonical_ip(str(peername[0])) if peername else None


@lru_cache(maxsize=4096)
def _canonical_ip(text: str) -> str | None:
    try:
        address = ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def identify(metadata: dict, peername: Any, users: IpUserMap) -> Who:
    ip = client_ip(peername)
    auth = metadata.get("proxyauth")
    user = auth[0] if auth and auth[0] else users.user_for(ip)
    return Who(user or None, ip)
