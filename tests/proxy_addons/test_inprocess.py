"""`watercooler proxy` in-process: it announces itself, adds one entry to mitmproxy's addon chain, and keeps
what start-up built out of the garbage collector's way."""
from __future__ import annotations

import asyncio
import gc

from mitmproxy import ctx, options
from mitmproxy.tools.dump import DumpMaster

from proxy_addons.addon import Watercooler
from proxy_addons.inprocess import serve
from tests.support.proxy_env import TEST_RULES


def default_chain_length() -> int:
    async def build() -> int:
        return len(DumpMaster(options.Options(), with_termlog=True, with_dumper=True).addons.chain)
    return asyncio.run(build())


def test_once_running_watercooler_is_a_single_chain_entry(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "rules.yaml").write_text(TEST_RULES)
    seen: dict = {}

    def announce(addresses):
        def look_then_stop():        # after `running` has gone round the whole chain
            seen["chain"] = list(ctx.master.addons.chain)
            seen["frozen"] = gc.get_freeze_count()
            ctx.master.shutdown()
        asyncio.get_running_loop().call_soon(look_then_stop)
        return [f"listening on {addresses[0][1]}"]

    settings = {"listen_host": "127.0.0.1", "listen_port": 0, "confdir": str(tmp_path / "conf"),
                "watercooler_rules": str(rules), "watercooler_db": ""}
    try:
        assert asyncio.run(serve(settings, [], announce, on_error=print)) == 0
    finally:
        gc.unfreeze()                   # this test process goes on; the proxy's would not
    ours = [addon for addon in seen["chain"] if type(addon).__module__.startswith("proxy_addons")]
    assert [type(addon) for addon in ours] == [Watercooler]     # panel logins inside it; the announcer gone
    assert len(seen["chain"]) == default_chain_length() + 1
    # Everything alive once it listens is frozen: full collections no longer walk it on the event loop.
    assert seen["frozen"] > 10_000
