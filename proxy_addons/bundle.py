"""Watercooler's addons as a single entry in mitmproxy's addon chain.

mitmproxy hands every event to every entry of its chain (about sixteen events for one plain HTTP
request, counting the `update` that follows each flow event), each time through a context manager, a
coroutine and two generators. Measured on plain HTTP, every extra entry costs about 1.6% of a
request's CPU, whether or not it has a hook for the event. The children of one entry cost a
`getattr` each. So `watercooler proxy` adds one entry and nests the rest under it, in order: panel
logins first, since the policy needs to know who is asking. (A script loaded with `mitmdump -s`
already sits under mitmproxy's script loader.)
"""
from __future__ import annotations

from proxy_addons.addon import Watercooler
from proxy_addons.panel_auth import PanelAuth


class WatercoolerAddons:
    """No hooks of its own: mitmproxy walks `addons` in order, after this entry, for every event."""

    def __init__(self, *extra: object, guard: bool = True) -> None:
        self.addons: list[object] = [PanelAuth(), Watercooler(guard=guard), *extra]
