"""A static map from client address (IP or CIDR) to user name, for kiosks and fixed desktops.

The file holds one entry a line, `ADDRESS-OR-CIDR  USER`, with `#` comments:

    10.0.5.17        kiosk-lobby      # the reception kiosk
    10.0.8.0/28      warehouse-terminal

Proxy authentication wins when both are present; the most specific network wins among entries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path

_USER = re.compile(r"[A-Za-z0-9._@+-]{1,128}")


class IpMapError(ValueError):
    """A problem in the map file, worded as FILE:LINE:COL: what; how to fix."""


@dataclass(frozen=True)
class IpUserMap:
    entries: tuple[tuple[IPv4Network | IPv6Network, str], ...] = ()  # most specific first

    def user_for(self, address: str | None) -> str | None:
        if not address or not self.entries:
            return None
        try:
            ip = ip_address(address)
        except ValueError:
            return None
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        for network, user in self.entries:
            if ip.version == network.version and ip in network:
                return user
        return None


def load_ip_map(path: str) -> IpUserMap:
    """Read and validate the map file; every problem is reported with file:line:col and a fix."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IpMapError(f"{path}: cannot read the user map ({exc}); "
                         "give a UTF-8 text file with lines 'ADDRESS-OR-CIDR USER'") from None
    entries: list[tuple[IPv4Network | IPv6Network, str]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        col = len(line) - len(line.lstrip()) + 1
        fields = line.split()
        if len(fields) != 2:
            problems.append(f"{path}:{number}:{col}: expected 'ADDRESS-OR-CIDR USER' (found {line.strip()!r}); "
                            "write one address and one user name per line")
            continue
        where, user = fields
        try:
            network = ip_network(where, strict=False)
        except ValueError:
            problems.append(f"{path}:{number}:{col}: {where!r} is not an IP address or CIDR; "
                            "write e.g. 10.0.5.17 or 10.0.8.0/28")
            continue
        if not _USER.fullmatch(user):
            problems.append(f"{path}:{number}:{raw.index(user) + 1}: {user!r} is not a user name; "
                            "use letters, digits and . _ @ + -")
            continue
        entries.append((network, user))
    if problems:
        raise IpMapError("\n".join(problems))
    entries.sort(key=lambda entry: -entry[0].prefixlen)
    return IpUserMap(tuple(entries))
