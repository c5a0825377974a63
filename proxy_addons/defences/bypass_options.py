"""mitmproxy options that would let bytes reach a site before (or without) Watercooler deciding.

Checked against mitmproxy 12.3.1's source. Options that only make sense to bypass Watercooler are
refused at start (ValueError, shown by mitmproxy as an OptionsError naming the option and the fix);
options with a safe value Watercooler can work with are switched to it, with a warning in the log.
`stream_large_bodies` is taken over by `streaming.py`. A `modify_headers` entry for `Host` is refused:
under `mitmdump -s` mitmproxy applies it after the script's `requestheaders` hook, so the site's server
would be asked for another site than the one decided. Options not named here (`upstream_cert`,
`request_client_cert`, `block_global`, `block_private`, `body_size_limit`, `http3`, `rawtcp`, ...)
never send a byte to a site before the decision in regular mode.
"""
from __future__ import annotations

import logging
from typing import Any

from mitmproxy.addons.modifyheaders import parse_modify_spec
from mitmproxy.proxy.mode_specs import ProxyMode, RegularMode

from proxy_addons.logs.summary import DISTINCT

logger = logging.getLogger("watercooler")

# option -> why it is refused and what to do instead (only when set to a non-empty value)
REFUSED = {
    "ignore_hosts": "it relays matching connections untouched, without Watercooler deciding them; remove it "
                    "(Watercooler already tunnels plainly allowed HTTPS sites without decrypting them)",
    "allow_hosts": "it relays every other connection untouched, without Watercooler deciding it; remove it "
                   "(Watercooler already tunnels plainly allowed HTTPS sites without decrypting them)",
    "tcp_hosts": "it turns matching connections into raw TCP, whose requests Watercooler cannot see; remove it",
    "udp_hosts": "it relays matching UDP untouched, without Watercooler deciding it; remove it",
    "map_remote": "it sends requests to another host after Watercooler has decided where they go; remove it "
                  "and write the sites in the rules instead",
}

# option -> (the value Watercooler needs, what the other value would do)
OVERRIDDEN = {
    "connection_strategy": ("lazy", "eager connects to the site before the request is decided, so a "
                                    "blocked site would be contacted"),
    "validate_inbound_headers": (True, "without it a request with ambiguous framing (Content-Length and "
                                       "Transfer-Encoding) reaches the site, and a second request hidden "
                                       "in its body is never decided"),
    "websocket": (True, "without it WebSocket messages are relayed as raw bytes and never decided"),
}


def refuse_bypasses(options: Any, updated: set[str]) -> None:
    """ValueError naming the first option that would let traffic past Watercooler, and the fix."""
    if "mode" in updated:
        for spec in options.mode:
            try:
                mode = ProxyMode.parse(spec)
            except ValueError:
                continue                   # mitmproxy's own check refuses it with its own message
            if not isinstance(mode, RegularMode):
                raise ValueError(
                    f"mode {spec!r}: Watercooler decides web traffic as an HTTP proxy only (mode regular, "
                    f"the default); {mode.type_name} mode carries traffic it does not decide (connections "
                    "without CONNECT that are neither HTTP nor TLS, UDP and QUIC) or was not built for. "
                    "Remove the mode setting and point devices at the proxy (system proxy setting or a "
                    "PAC file, see docs/deploy.md)")
    for name, why in REFUSED.items():
        if name in updated and name in options and getattr(options, name):
            raise ValueError(f"{name} is not allowed with Watercooler: {why}")
    if "modify_headers" in updated and "modify_headers" in options:
        for spec in options.modify_headers:
            if _names_the_host(spec):
                raise ValueError(f"modify_headers {spec!r} is not allowed with Watercooler: it rewrites the Host "
                                 "header after Watercooler has decided the request (under mitmdump -s), so the "
                                 "site's server may serve another site; remove that entry")


def _names_the_host(spec: str) -> bool:
    """Whether a `modify_headers` entry (`[/filter]/name/value`) sets or removes the Host header."""
    try:
        return parse_modify_spec(spec, False).subject.strip().lower() in (b"host", b":authority")
    except ValueError:
        return False                       # mitmproxy's own check refuses it with its own message


def safe_values(options: Any, updated: set[str]) -> dict[str, Any]:
    """The options to switch to a safe value, each with a warning in the log."""
    changes = {}
    for name, (safe, why) in OVERRIDDEN.items():
        if name in updated and name in options and getattr(options, name) != safe:
            logger.warning("%s=%s is switched to %s: %s", name, getattr(options, name), safe, why, extra=DISTINCT)
            changes[name] = safe
    return changes
