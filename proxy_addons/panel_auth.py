"""Proxy logins with the panel's accounts (`watercooler_auth=panel`) or the directory's (`=directory`).

mitmproxy's own `proxyauth` checks credentials synchronously, on the event loop. An argon2id check
costs tens of milliseconds, which would stall every user, so the check runs in a worker thread (the
hooks return a coroutine only when a password must be checked), and a success is remembered for
`watercooler_auth_cache` seconds (keyed by a keyed hash of the password, never the password). A
connection that logged in at CONNECT stays logged in for the requests inside it, as with `proxyauth`.
Only the user name reaches the policy. Failed logins reach the panel's audit, once per account, client
and 15-minute burst (`proxy sign-in failed`, storage/sign_in_reports.py), written from the worker
thread too.

With `watercooler_auth=directory` the checks are directory binds (proxy_addons/directory_auth.py),
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
from proxy_addons.directory_auth import DirectoryAccounts
from proxy_addons.ldap_cache import CachedValidator

REALM = "Watercooler"
FAILURES_ALLOWED = 10          # per account name, within FAILURE_WINDOW_S, before checks stop for a while
FAILURE_WINDOW_S = 15 * 60


class FailureThrottle:
    """Stops password guessing through the proxy: after repeated failures for one name, refuse
    without checking until the window moves on (also spares the CPU the argon2 work)."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def blocked(self, name: str) -> bool:
        recent = self._failures.get(name)
        if not recent:
            return False
        while recent and recent[0] < self._now() - FAILURE_WINDOW_S:
            recent.popleft()
        if not recent:
            del self._failures[name]
        return len(recent) >= FAILURES_ALLOWED

    def failed(self, name: str) -> None:
        self._failures[name].append(self._now())


class PanelAccounts:
    """Blocking checks against the panel's account table: call from a worker thread."""

    def __init__(self, url: str) -> None:
        from storage.db import make_engine
        self.engine = make_engine(url)

    def __call__(self, name: str, password: str) -> bool:
        from sqlalchemy.orm import Session

        from storage.accounts import authenticate
        with Session(self.engine) as db:
            user = authenticate(db, name, password)
            # Spelled exactly as stored: the name goes on to the policy, whose member lists are exact.
            return user is not None and user.name == name

    def report_failure(self, name: str, client: str | None) -> None:
        """Into the audit, once per burst; counted apart from the panel's own sign-ins ("proxy ADDRESS")."""
        from datetime import timedelta

        from storage import sign_in_reports
        from storage.audit import PROXY_SIGN_IN_FAILED
        sign_in_reports.report_once(self.engine, name, f"proxy {client or 'unknown'}", kind=sign_in_reports.FAILED,
                                    action=PROXY_SIGN_IN_FAILED, why="wrong name or password",
                                    window=timedelta(seconds=FAILURE_WINDOW_S), source=client)

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
        if not updated & {"watercooler_auth", "watercooler_auth_cache", "watercooler_db", "proxyauth"}:
            return
        self.done()
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
        if name and password is not None and logins is not None and not self.throttle.blocked(name):
            ok = logins.remembered(name, password) or await asyncio.to_thread(logins.inner, name, password)
            if ok:
                logins.remember(name, password)
            elif ok is None:
                pass        # the directory could not be asked: refused, but not a wrong password
            else:
                self.throttle.failed(name)
                if accounts is not None:
                    client = flow.client_conn.peername[0] if flow.client_conn.peername else None
                    await asyncio.to_thread(accounts.report_failure, name, client)
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

