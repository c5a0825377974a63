"""Evaluating a PAC file for real: pacparser runs it in its JavaScript engine with the standard PAC
functions (isInNet, dnsDomainIs, myIpAddress …), as a browser would, for a client at a given address."""
from __future__ import annotations

import threading

import pacparser

_LOCK = threading.Lock()     # pacparser keeps one engine per process


def find_proxy(pac_text: str, url: str, client_ip: str) -> list[str]:
    """What the PAC file answers for `url` on a client whose own address is `client_ip`, entry by entry."""
    host = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0] if url.count(":") > 1 else \
        url.split("://", 1)[1].split("/", 1)[0]
    with _LOCK:
        pacparser.init()
        try:
            pacparser.parse_pac_string(pac_text)
            pacparser.setmyip(client_ip)
            answer = pacparser.find_proxy(url, host)
        finally:
            pacparser.cleanup()
    return [entry.strip() for entry in answer.split(";") if entry.strip()]
