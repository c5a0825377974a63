"""Connections to the directory with ldap3: TLS (StartTLS or ldaps) checked against the CA, timeouts.

Every failure becomes a DirectoryError whose message says what failed in one sentence (never a
password); the sync keeps the last good snapshot when it sees one, sign-in treats it as "cannot check".
"""
from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

import ldap3
from ldap3.core import exceptions as ldap_errors

from storage.directory.settings import DirectorySettings


class DirectoryError(Exception):
    """The directory could not be asked (down, slow, TLS, refused bind...); the message says which."""


class WrongPassword(DirectoryError):
    """The directory answered: these credentials are not valid."""


def server(settings: DirectorySettings) -> ldap3.Server:
    tls = None
    if settings.tls != "none":
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file,
                        version=ssl.PROTOCOL_TLS_CLIENT)
    url = urlsplit(settings.url)
    if url.hostname is None:     # DirectorySettings refuses such a URL when it is read
        raise DirectoryError(f"the directory URL {settings.url} names no host")
    ldaps = settings.tls == "ldaps"
    return ldap3.Server(url.hostname, port=url.port or (636 if ldaps else 389), use_ssl=ldaps, tls=tls,
                        get_info=ldap3.NONE, connect_timeout=settings.timeout)


@contextmanager
def bound(settings: DirectorySettings, user: str | None = None,
          password: str | None = None) -> Iterator[ldap3.Connection]:
    """A connection bound as `user` (default: the service account), closed after use."""
    who, secret = (user, password) if user is not None else (settings.bind_dn, settings.password)
    try:
        connection = ldap3.Connection(server(settings), user=who, password=secret, receive_timeout=settings.timeout,
                                      auto_range=True, raise_exceptions=False, read_only=True)
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(f"cannot use the directory at {settings.url}: {_plain(exc)}") from None
    try:
        try:
            connection.open()
            if settings.tls == "starttls" and not connection.start_tls():
                raise DirectoryError(f"StartTLS with the directory at {settings.url} failed: "
                                     f"{connection.result.get('description') if connection.result else 'no answer'}")
            if who is not None and not connection.bind():
                result = connection.result or {}
                if result.get("description") == "invalidCredentials":
                    raise WrongPassword(f"the directory refused the password of {who}")
                raise DirectoryError(f"the directory refused the bind as {who}: {result.get('description')}")
        except ldap_errors.LDAPException as exc:
            raise DirectoryError(f"cannot reach the directory at {settings.url}: {_plain(exc)}") from None
        yield connection
    finally:
        with suppress(Exception):   # closing a broken connection has nothing left to report
            connection.unbind()


def search(connection: ldap3.Connection, settings: DirectorySettings, base: str, filter_: str,
           attributes: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(dn, attributes) of every entry found, in pages of 500, so big directories need no size limit."""
    try:
        for entry in connection.extend.standard.paged_search(base, filter_, ldap3.SUBTREE, attributes=attributes,
                                                             paged_size=500, generator=True):
            if entry.get("type") == "searchResEntry":
                yield entry["dn"], entry.get("attributes", {})
    except ldap_errors.LDAPException as exc:
        raise DirectoryError(f"reading {base} from the directory at {settings.url} failed: {_plain(exc)}") from None
    result = connection.result or {}
    if result.get("result") not in (0, None):
        raise DirectoryError(f"reading {base} from the directory at {settings.url} failed: {result.get('description')}")


def _plain(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
