"""Connections: TLS checked against the configured CA, binds as people, clear errors when it cannot."""
from __future__ import annotations

import socket

import pytest

from storage.directory.ldap import DirectoryError, WrongPassword, bound
from storage.directory.settings import from_environ
from tests.support.net import free_port
from tests.support.slapd import password_of, person_dn
from tests.support.tls_certs import make_pki


def test_starttls_and_a_bind_as_a_person(slapd):
    settings = from_environ(slapd.env())
    assert settings.tls == "starttls"
    with bound(settings, person_dn("emma.schulz"), password_of("emma.schulz")) as connection:
        assert connection.tls_started
        assert connection.extend.standard.who_am_i() == f"dn:{person_dn('emma.schulz')}"
    with pytest.raises(WrongPassword), bound(settings, person_dn("emma.schulz"), "guess"):
        pass


def test_a_certificate_from_another_ca_is_refused(slapd, tmp_path):
    other = make_pki(tmp_path / "other", ["localhost"])
    with pytest.raises(DirectoryError, match="cannot reach the directory"), \
            bound(from_environ(slapd.env(CA_FILE=str(other.ca_pem)))):
        pass


def test_nothing_listening_is_a_plain_error(slapd):
    settings = from_environ(slapd.env(URL=f"ldap://localhost:{free_port()}", TIMEOUT="1"))
    with pytest.raises(DirectoryError, match=f"cannot reach the directory at {settings.url}"), bound(settings):
        pass


def test_a_directory_that_accepts_but_never_answers_is_an_error_after_the_timeout(slapd):
    with socket.socket() as silent:          # connections wait in the backlog; nothing ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        settings = from_environ(slapd.env(URL=f"ldap://localhost:{port}", TIMEOUT="1"))
        with pytest.raises(DirectoryError, match=f"cannot reach the directory at ldap://localhost:{port}"), \
                bound(settings):
            pass
