"""The addon's working parts, rebuilt from mitmproxy options: only what an option change touches.

State that must outlive a rebuild — who continued, which notices were shown, used warn tokens —
lives in objects created once per addon instance; what lives in memory alone is handed to the next
instance when mitmproxy's reloader runs the script again.
"""
from __future__ import annotations

import logging
import os
import threading
import weakref
from typing import Any

from policy.engine.decision import Decision
from policy.engine.engine import Policy
from policy.loading.manifest import manifest_path
from proxy_addons.auth import login_only
from proxy_addons.auth.identity import Who
from proxy_addons.auth.ipmap import IpUserMap, load_ip_map
from proxy_addons.auth.ldap_cache import cache_ldap
from proxy_addons.clock import Clock, parse_clock
from proxy_addons.defences.limits import ConnectionLimits
from proxy_addons.defences.open_files import OpenFiles, raise_open_file_limit
from proxy_addons.enforcing.continued import ContinuedState, QuotaNotices
from proxy_addons.enforcing.deciding import Decider
from proxy_addons.enforcing.enforce import Enforcer
from proxy_addons.enforcing.secret import load_or_create_secret, secret_path
from proxy_addons.enforcing.tokens import TokenSigner
from proxy_addons.logs import summary as log_summary
from proxy_addons.map_hosts import HostMapper, parse_map
from proxy_addons.pages.views import policy_zone
from proxy_addons.rules.directory_watch import DirectoryReader
from proxy_addons.rules.overrides import OverridesReader
from proxy_addons.rules.watch import PolicyHolder, describe_error
from proxy_addons.tunnels.connections import Connections
from proxy_addons.tunnels.https import TunnelDecider
from proxy_addons.usage.contract import UsageSink
from proxy_addons.usage.counter import UsageCounter
from proxy_addons.usage.memory_sink import MemorySink
from proxy_addons.usage.quota_gate import QuotaGate
from proxy_addons.usage.sinks import make_sink, tell_sink_about_policy

SINK_OPTIONS = ("watercooler_db", "watercooler_db_connect_timeout", "watercooler_db_statement_timeout",
                "watercooler_db_stall_after")
SECRET_OPTIONS = {"watercooler_secret", "confdir"}
LIMIT_OPTIONS = {"watercooler_max_connections", "watercooler_max_per_client", "watercooler_head_timeout",
                 "watercooler_hello_timeout"}
logger = logging.getLogger("watercooler.limits")
connections_logger = logging.getLogger("watercooler.connections")
CHOICES = {"watercooler_fail": ("closed", "open"), "watercooler_test_fault": ("", "decide")}
# What the addon of a script unloaded by mitmproxy's reloader (a save, or the file deleted) leaves to
# the one loaded next in the same proxy (this module stays imported; the script is run again): what
# lives in memory alone: (the proxy's master, the parts, their sink).
_LEFT_BEHIND: list[tuple[weakref.ref[Any], Parts, Any]] = []


class Parts:
    def __init__(self) -> None:
        self.holder = PolicyHolder(on_change=self._policy_changed, on_swap=self._policy_swapped)
        self.continued = ContinuedState()
        self.notices = QuotaNotices()
        self.mapper = HostMapper()
        self.users = IpUserMap()
        self.clock: Clock = Clock()
        self.connections = Connections(lambda moment: self.clock.seconds_until(moment))
        self.limits = ConnectionLimits()
        self.open_files: OpenFiles | None = None
        self.quota_gate = QuotaGate()
        self.sink: UsageSink | None = None
        self._sink_settings: tuple = ()
        self.overrides_reader: OverridesReader | None = None
        self.directory_settings: Any = None     # WATERCOOLER_DIRECTORY_* (storage/directory/settings.py)
        self.directory_reader: DirectoryReader | None = None
        self.signer: TokenSigner | None = None
        self.no_ca = False
        self.login_only = False     # watercooler_login_only: addresses say nothing (login_only.py)
        self._inherited_sink: MemorySink | None = None
        self.counter: UsageCounter
        self.decider: Decider
        self.enforcer: Enforcer
        self.tunnels: TunnelDecider

    def configure(self, opts: Any, updated: set[str], proxyauth: Any) -> bool:
        """Apply changed options (ValueError with a readable sentence on bad input); True if any applied."""
        for name, allowed in CHOICES.items():
            if getattr(opts, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}, "
                                 f"not {getattr(opts, name)!r}")
        if updated & login_only.OPTIONS:
            login_only.check(opts)
        self.login_only = bool(opts.watercooler_login_only)
        first = self.open_files is None
        open_files = self.open_files
        if open_files is None:               # at start, before the proxy listens
            open_files = self.open_files = raise_open_file_limit()
            log_summary.install()
            from storage.directory.settings import from_environ
            self.directory_settings = from_environ(os.environ)   # DirectorySettingsError is a ValueError
        if first or updated & (LIMIT_OPTIONS | {"watercooler_login_only"}):
            said = self.limits.describe()
            self.limits.configure(opts, open_files)
            if self.login_only:         # every client has the TLS terminator's address
                self.limits.per_client = 0
            if first or self.limits.describe() != said:
                logger.info("%s; %s", open_files.describe(), self.limits.describe())
        if "watercooler_test_clock" in updated:
            self.clock = parse_clock(opts.watercooler_test_clock)
        if "watercooler_users" in updated:
            self.users = load_ip_map(opts.watercooler_users) if opts.watercooler_users else IpUserMap()
        if "watercooler_map_hosts" in updated:
            self.mapper.mapping = parse_map(opts.watercooler_map_hosts)
        if updated & SECRET_OPTIONS or self.signer is None:
            self.signer = TokenSigner(load_or_create_secret(secret_path(opts.watercooler_secret or "",
                                                                        opts.confdir)))
        if "proxyauth" in updated or "watercooler_ldap_cache" in updated:
            cache_ldap(proxyauth, opts.watercooler_ldap_cache)
        if "watercooler_rules" in updated:
            self.holder.manifest = manifest_path(opts.confdir)
            try:
                self.holder.load_now(opts.watercooler_rules)
            except Exception as exc:
                raise ValueError(f"rules in {opts.watercooler_rules} not loaded:\n"
                                 + "\n".join(describe_error(exc))) from None
        # Options are often given again unchanged (mitmproxy reports every name set): a new sink only
        # for new values, so the database is opened once and its spool slot taken once.
        sink_settings = tuple(getattr(opts, name) for name in SINK_OPTIONS)
        if self.sink is None or (updated.intersection(SINK_OPTIONS) and sink_settings != self._sink_settings):
            for name in SINK_OPTIONS[1:]:
                if getattr(opts, name) < 1:
                    raise ValueError(f"{name} must be at least 1 (seconds), not {getattr(opts, name)}")
            try:
                new_sink = self._inherited_sink if not opts.watercooler_db and self._inherited_sink else \
                    make_sink(opts.watercooler_db, self._zone(), connect_timeout=opts.watercooler_db_connect_timeout,
                              statement_timeout=opts.watercooler_db_statement_timeout,
                              stall_after=opts.watercooler_db_stall_after)
            except Exception as exc:
                raise ValueError(f"watercooler_db: {exc}") from None
            old, self.sink, self._sink_settings = self.sink, new_sink, sink_settings
            if old is not None:      # it drains into a database that may not answer: never on the loop
                threading.Thread(target=old.close, name="watercooler-old-sink", daemon=True).start()
            if self.overrides_reader is not None:
                self.overrides_reader.close()
            # Read once the writer has the schema up to date (it does that in the background).
            self.overrides_reader = OverridesReader(
                opts.watercooler_db, lambda: getattr(self.sink, "schema_ready", True)) if opts.watercooler_db else None
            if self.directory_settings is not None:
                self.directory_reader = DirectoryReader(
                    self.directory_settings, self.overrides_reader.engine if self.overrides_reader else None,
                    lambda: getattr(self.sink, "schema_ready", True))
            self._policy_changed(self.holder.policy)
        self._inherited_sink = None
        self.no_ca = bool(opts.watercooler_no_ca)
        self._wire(opts)
        return any(name.startswith("watercooler_") or name == "proxyauth" for name in updated)

    def _wire(self, opts: Any) -> None:
        assert self.sink is not None and self.signer is not None
        self.counter = UsageCounter(self.sink) if getattr(self, "counter", None) is None \
            or self.counter.sink is not self.sink else self.counter
        self.decider = Decider(self.holder, self.counter, self.continued, self.clock)
        self.decider.fault = opts.watercooler_test_fault == "decide"
        self.quota_gate.sink, self.quota_gate.clock, self.counter.gate = self.sink, self.clock, self.quota_gate
        self.quota_gate.decider = self.decider
        if hasattr(self.sink, "use_clock"):
            self.sink.use_clock(self.clock.ticks)
        self.enforcer = Enforcer(self.decider, self.counter, self.signer, self.continued, self.notices,
                                 self.connections, opts.watercooler_panel_url)
        self.tunnels = TunnelDecider(self.decider, self.counter, self.connections, self.no_ca)

    def _zone(self) -> Any:
        return policy_zone(self.holder.policy) if self.holder.policy is not None else None

    def _policy_changed(self, policy: Policy | None) -> None:
        """After a reload (good or bad): durable sinks learn the zone and what to report on the panel."""
        if self.sink is None or policy is None:
            return
        tell_sink_about_policy(self.sink, policy_zone(policy), getattr(policy, "version", self.holder.version),
                               self.holder.last_error[0] if self.holder.last_error else None)

    def _policy_swapped(self, policy: Policy) -> None:
        """A new policy is enforced: open connections whose allow it no longer gives are closed now."""
        if getattr(self, "decider", None) is not None:     # else the first policy, before anything is open
            self.redecide()

    def redecide(self) -> None:
        """Decide every allow the open connections carry again; close those the policy no longer gives."""
        decider = self.decider
        def again(who: Who, url: str, method: str, unnamed: bool) -> Decision:
            return decider.decide_unnamed(who, url) if unnamed else decider.decide(who, url, method)
        closed = self.connections.redecide(again)
        if closed:
            connections_logger.info("policy changed: closed %s open connection(s) it no longer allows", closed)

    def hand_over(self, master: Any) -> None:
        """The script holding this addon is being unloaded: leave what lives in memory alone to the next."""
        _LEFT_BEHIND[:] = [(weakref.ref(master), self, self.sink)] if master is not None else []

    def take_over(self, master: Any) -> int:
        """Before the first configure: adopt what the addon unloaded before this one in the same proxy left
        (open connections, usage kept without a database, who continued, notices shown); how many open
        connections it had, to be decided again once this addon runs."""
        left = _LEFT_BEHIND.pop() if _LEFT_BEHIND else None
        if left is None or master is None or left[0]() is not master:
            return 0
        before, sink = left[1], left[2]
        self.continued, self.notices = before.continued, before.notices
        self._inherited_sink = sink if isinstance(sink, MemorySink) else None
        return self.connections.adopt(before.connections)

    def close(self) -> None:
        self.quota_gate.close()
        if self.sink is not None:
            self.sink.close()
            self.sink = None
        if self.overrides_reader is not None:
            self.overrides_reader.close()
            self.overrides_reader = None
