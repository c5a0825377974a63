"""The password rules: long enough, and not what guessers try first — judged offline."""
from __future__ import annotations

import secrets

import pytest

from storage.sign_in.passwords import MAX_PASSWORD, check_password_rules, guessable


@pytest.mark.parametrize("password", ["password1234", "qwertyuiopasdf", "123456789012", "iloveyou1234",
                                      "Password2024!", "aaaaaaaaaaaaaaaa", "abcdefghijklmnop"])
def test_common_and_patterned_passwords_are_refused_with_advice(password):
    with pytest.raises(ValueError, match="common or easily guessed"):
        check_password_rules(password)


def test_the_account_name_does_not_make_a_password():
    assert guessable("alice.krueger2026", "alice.krueger")


@pytest.mark.parametrize("password", ["correct horse battery", "a brand new passphrase",
                                      secrets.token_urlsafe(12)])
def test_long_uncommon_passwords_pass(password):
    check_password_rules(password, "alice.krueger")


def test_length_bounds():
    with pytest.raises(ValueError, match="12 to 1024 characters"):
        check_password_rules("Xq7#vR2$kL9")   # 11 characters, however odd
    with pytest.raises(ValueError, match="12 to 1024 characters"):
        check_password_rules("x" * (MAX_PASSWORD + 1))
    check_password_rules(secrets.token_urlsafe(800)[:MAX_PASSWORD])   # judged on its start, quickly
