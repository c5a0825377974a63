"""Directory passwords: the right one gives the name as the directory spells it; everything else is no."""
from __future__ import annotations

import pytest

from storage.directory.ldap import DirectoryError
from storage.directory.login import check_person
from storage.directory.settings import from_environ
from tests.support.slapd import password_of


def test_the_right_password_gives_the_name_as_the_directory_spells_it(slapd):
    settings = from_environ(slapd.env())
    assert check_person(settings, "emma.schulz", password_of("emma.schulz")) == "emma.schulz"
    assert check_person(settings, "Emma.Schulz", password_of("emma.schulz")) == "emma.schulz"
    mail = from_environ(slapd.env(USER_ATTRIBUTE="mail"))
    assert check_person(mail, "emma.schulz@northwind.example", password_of("emma.schulz")) == \
        "emma.schulz@northwind.example"


@pytest.mark.parametrize("name, password", [
    ("emma.schulz", "wrong"), ("emma.schulz", ""), ("nobody", "x"), ("*", "x"), ("emma.schulz)(uid=*", "x"),
    ("", "x")])
def test_wrong_passwords_unknown_names_and_filter_tricks_are_no(slapd, name, password):
    assert check_person(from_environ(slapd.env()), name, password) is None


def test_a_stopped_directory_is_an_error_not_a_no(slapd):
    settings = from_environ(slapd.env())
    slapd.stop()
    with pytest.raises(DirectoryError):
        check_person(settings, "emma.schulz", password_of("emma.schulz"))
