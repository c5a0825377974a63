"""Proxy logins with the panel's accounts (`watercooler_auth=panel`) or the directory's (`=directory`).

mitmproxy's own `proxyauth` checks credentials synchronously, on the event loop. An argon2id check
costs tens of milliseconds, which would stall every user, so the check runs in a worker thread (the
hooks return a coroutine only when a password must be checked), and a success is remembered for
`watercooler_auth_cache` seconds (keyed by a keyed hash of the password, never the password). A
connection that logged in at CONNECT stays logged in for the requests inside it, as with `proxyauth`.
Only the user name reaches the policy. Failed logins reach the panel's audit, once per account, client
and 15-minute burst (`proxy sign-in failed`, storage/sign_in/reports.py), written from the worker
thread too.

With `watercooler_auth=directory` the checks are directory binds (proxy_addons/auth/directory_auth.py),
with the same worker threads, cache, throttle and audit.

`PanelAuth` has an addon's shape, but it is not in mitmproxy's chain: the Watercooler addon calls it
first in its own hooks (see addon.py for why Watercooler is a single addon).
"""
from __future__ import annotations

import asyncio
import time
import weakref
from collections import defaultdict, deque
from collections.abc import Callable

from mitmproxy import ctx, exceptions, http
from mitmproxy.addons.proxyauth import is_http_proxy, parse_http_basic_auth

from proxy_addons import options
from proxy_addons.auth.directory_auth import DirectoryAccounts
from proxy_addons.auth.ldap_cache import CachedValidator

REALM = "Watercooler"
FAILURES_ALLOWED = 10          # per account name and client address, within FAILURE_WINDOW_S
ADDRESS_FAILURES_ALLOWED = 20  # per client address across names, within FAILURE_WINDOW_S
FAILURE_WINDOW_S = 15 * 60
EVERY = ""                     # the name of the count that spans every name of one address
SWEEP_AT = 10_000              # counts kept before the expired ones are swept out


class FailureThrottle:
    """Stops password guessing through the proxy: after repeated failures for one name from one client
    address, or for many names from one address, that address is refused without a check until the
    window moves on (also sparing the CPU the argon2 work). Someone at another address — the owner at
    their own desk — is not affected. `per_address` None: addresses name nobody (the port behind the
    remote endpoint, where every client has the endpoint's address), so only name and address count."""

    def __init__(self, now: Callable[[], float] = time.monotonic,
                 per_address: int | None = ADDRESS_FAILURES_ALLOWED) -> None:
        self._now = now
        self.per_address = per_address
        self._failures: defaultdict[tuple[str, str], deque[float]] = defaultdict(deque)

    def blocked(self, name: str, address: str | None) -> bool:
        if self._count((name.lower(), address or "")) >= FAILURES_ALLOWED:
            return True
        return self.per_address is not None and self.address_failures(address) >= self.per_address

    def address_failures(self, address: str | None) -> int:
        """Failed checks from this address in the window, whatever the names."""
        return self._count((EVERY, address or ""))

    def failed(self, name: str, address: str | None) -> None:
        if len(self._failures) > SWEEP_AT:      # names and addresses that stopped trying are dropped
            for key in list(self._failures):
                self._count(key)
        for key in ((name.lower(), address or ""), (EVERY, address or "")):
            self._failures[key].append(self._now())

    def _count(self, key: tuple[str, str]) -> int:
        recent = self._failures.get(key)
        if not recent:
            return 0
        while recent and recent[0] < self._now() - FAILURE_WINDOW_S:
            recent.popleft()
        if not recent:
            del self._failures[key]
        return len(recent)


class PanelAccounts:
    """Blocking checks against the panel's account table: call from a worker thread."""

    def __init__(self, url: str) -> None:
        from storage.db import make_engine
        self.engine = make_engine(url)

    def __call__(self, name: str, password: str) -> bool:
        from sqlalchemy.orm import Session

        from storage.sign_in.accounts import authenticate
        with Session(self.engine) as db:
            user = authenticate(db, name, password)
            # Spelled exactly as stored: the name goes on to the policy, whose member lists are exact.
            return user is not None and user.name == name

    def report_failure(self, name: str, client: str | None, many_names: bool = False) -> None:
        """Into the audit, once per burst; counted apart from the panel's own sign-ins ("proxy ADDRESS").
        `many_names`: the address has failed for more names than it may try, so its further names
        share one burst (one record), however many it rotates through."""
        from datetime import timedelta

        from storage.audit import PROXY_SIGN_IN_FAILED
        from storage.sign_in import reports as sign_in_reports
        where = f"proxy {client or 'unknown'}"
        sign_in_reports.report_once(self.engine, name, where, kind=sign_in_reports.FAILED,
                                    action=PROXY_SIGN_IN_FAILED, why="wrong name or password",
                                    window=timedelta(seconds=FAILURE_WINDOW_S), source=client,
                                    counter=(EVERY, where) if many_names else None)

    def close(self) -> None:
        self.engine.dispose()


class PanelAuth:
    def __init__(self) -> None:
        self.logins: CachedValidator | None = None
        self.accounts: PanelAccounts | DirectoryAccounts | None = None
        self.authenticated: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.throttle = FailureThrottle()

    def load(self, loader) -> None:
        options.declare(loader, options.PANEL_AUTH_OPTIONS)

    def configure(self, updated: set[str]) -> None:
        if not updated & {"watercooler_auth", "watercooler_auth_cache", "watercooler_db", "proxyauth",
                          "watercooler_login_only"}:
            return
        self.done()
        self.throttle = FailureThrottle(per_address=None if ctx.options.watercooler_login_only
                                        else ADDRESS_FAILURES_ALLOWED)
        if ctx.options.watercooler_auth == "directory":
            self._directory()
            return
        if ctx.options.watercooler_auth != "panel":
            return
        if not ctx.options.watercooler_db:
            raise exceptions.OptionsError("watercooler_auth=panel needs watercooler_db: the database the panel "
                                          "keeps its accounts in (e.g. --set watercooler_db=sqlite:///data/watercooler.db)")
        if ctx.options.proxyauth:
            raise exceptions.OptionsError("set either proxyauth or watercooler_auth=panel, not both")
        self.accounts = PanelAccounts(ctx.options.watercooler_db)
        self.logins = CachedValidator(self.accounts, ctx.options.watercooler_auth_cache)

    def _directory(self) -> None:
        import os

        from storage.directory.settings import DirectorySettingsError, from_environ
        if ctx.options.proxyauth:
            raise exceptions.OptionsError("set either proxyauth or watercooler_auth=directory, not both")
        try:
            settings = from_environ(os.environ)
        except DirectorySettingsError as exc:
            raise exceptions.OptionsError(str(exc)) from None
        if settings is None:
            raise exceptions.OptionsError("watercooler_auth=directory needs the directory settings: set "
                                          "WATERCOOLER_DIRECTORY_URL and the other WATERCOOLER_DIRECTORY_* variables")
        self.accounts = DirectoryAccounts(settings, ctx.options.watercooler_db)
        self.logins = CachedValidator(self.accounts, ctx.options.watercooler_auth_cache)

    def done(self) -> None:
        if self.accounts is not None:
            self.accounts.close()
        self.accounts = self.logins = None
        self.authenticated.clear()

    # The hooks are plain functions that hand mitmproxy a coroutine only when a password must be
    # checked: without panel logins, or inside a logged-in connection, a request costs no await.
    def http_connect(self, flow: http.HTTPFlow):
        if self.logins is not None:
            return self._connect(flow)
        return None

    def requestheaders(self, flow: http.HTTPFlow):
        if self.logins is None or flow.is_replay:
            return None
        if flow.client_conn in self.authenticated:
            flow.metadata["proxyauth"] = self.authenticated[flow.client_conn]
            return None
        return self._log_in(flow)

    async def _connect(self, flow: http.HTTPFlow) -> None:
        if await self._log_in(flow):
            self.authenticated[flow.client_conn] = flow.metadata["proxyauth"]

    async def _log_in(self, flow: http.HTTPFlow) -> bool:
        logins, accounts = self.logins, self.accounts
        proxy = is_http_proxy(flow)
        header = "Proxy-Authorization" if proxy else "Authorization"
        name: str | None
        password: str | None
        try:
            _, name, password = parse_http_basic_auth(flow.request.headers.get(header, ""))
        except ValueError:
            name = password = None
        ok: bool | None = False
        client = flow.client_conn.peername[0] if flow.client_conn.peername else None
        if name and password is not None and logins is not None:
            # A login checked a moment ago passes before the throttle: it needs the right password.
            ok = logins.remembered(name, password)
            if not ok and not self.throttle.blocked(name, client):
                ok = await asyncio.to_thread(logins.inner, name, password)
                if ok is None:
                    pass        # the directory could not be asked: refused, but not a wrong password
                elif not ok:
                    self.throttle.failed(name, client)
                    if accounts is not None:
                        many = self.throttle.address_failures(client) > ADDRESS_FAILURES_ALLOWED
                        await asyncio.to_thread(accounts.report_failure, name, client, many)
            if ok:
                logins.remember(name, password)
        if not ok:
            flow.response = login_required(proxy, "directory" if isinstance(accounts, DirectoryAccounts) else "panel")
            return False
        flow.metadata["proxyauth"] = (name, "")     # the password goes no further than this check
        del flow.request.headers[header]
        return True


def login_required(proxy: bool, accounts: str = "panel") -> http.Response:
    status, header = (407, "Proxy-Authenticate") if proxy else (401, "WWW-Authenticate")
    account = "company directory account" if accounts == "directory" else "Watercooler panel account"
    return http.Response.make(status, f"Sign in with your {account} to use the web.\n",
                              {header: f'Basic realm="{REALM}"', "Content-Type": "text/plain; charset=utf-8",
                               "Cache-Control": "no-store"})

