"""Watercooler's addons take one entry in mitmproxy's chain, panel logins before the policy."""
from __future__ import annotations

import asyncio

from mitmproxy import options
from mitmproxy.addonmanager import traverse
from mitmproxy.tools.dump import DumpMaster

from proxy_addons.addon import Watercooler
from proxy_addons.bundle import WatercoolerAddons
from proxy_addons.panel_auth import PanelAuth


class Marker:
    """Stands for the start-up announcer that `watercooler proxy` passes in."""


def chain_with_bundle(bundle: WatercoolerAddons) -> tuple[int, list[object], DumpMaster]:
    async def build():
        master = DumpMaster(options.Options(), with_termlog=False, with_dumper=True)
        before = len(master.addons.chain)
        master.addons.add(bundle)
        return len(master.addons.chain) - before, master.addons.chain, master
    return asyncio.run(build())


def test_all_of_watercooler_is_one_chain_entry():
    marker = Marker()
    bundle = WatercoolerAddons(marker, guard=False)
    added, chain, master = chain_with_bundle(bundle)
    assert added == 1
    assert chain[-1] is bundle
    walked = [type(a) for a in traverse([bundle])]
    assert walked == [WatercoolerAddons, PanelAuth, Watercooler, Marker]   # panel logins before the policy
    assert isinstance(master.addons.get("watercooler"), Watercooler)          # found by name, as before
    assert "watercooler_rules" in master.options                              # its options are declared


def test_the_script_exports_the_same_bundle():
    from proxy_addons import watercooler
    [bundle] = watercooler.addons
    assert [type(a) for a in bundle.addons] == [PanelAuth, Watercooler]
    assert bundle.addons[1].guard                                           # a script can be unloaded: guarded
