"""Directory settings: none without a URL, defaults that fit OpenLDAP, each mistake naming its variable."""
from __future__ import annotations

import pytest

from storage.directory.settings import DirectorySettingsError, from_environ, from_mapping

BASE = {"WATERCOOLER_DIRECTORY_URL": "ldap://dc1.corp.example", "WATERCOOLER_DIRECTORY_GROUP_BASE": "ou=groups,dc=corp"}


def test_no_url_means_no_directory():
    assert from_environ({"WATERCOOLER_DB": "sqlite:///x"}) is None
    assert from_mapping({"DIRECTORY_URL": ""}) is None


def test_defaults_and_the_password_from_a_file(tmp_path):
    (tmp_path / "pw").write_text("s3cret\n")
    settings = from_environ(BASE | {"WATERCOOLER_DIRECTORY_PASSWORD_FILE": str(tmp_path / "pw"),
                                    "WATERCOOLER_DIRECTORY_BIND_DN": "cn=svc,dc=corp"})
    assert (settings.password, settings.refresh, settings.timeout, settings.tls) == ("s3cret", 300, 5, "starttls")
    assert (settings.user_base, settings.user_attribute, settings.member_attribute) == ("dc=corp", "uid", "member")
    assert "s3cret" not in settings.describe() and "s3cret" not in repr(settings.describe())
    assert from_environ(BASE | {"WATERCOOLER_DIRECTORY_URL": "ldaps://dc1:636"}).tls == "ldaps"
    assert from_mapping({"DIRECTORY_URL": "ldap://dc1", "DIRECTORY_GROUP_BASE": "ou=g,dc=c", "DIRECTORY_REFRESH": 60,
                         "DIRECTORY_STARTTLS": False}).tls == "none"


@pytest.mark.parametrize("key, value, message", [
    ("URL", "http://dc1", "WATERCOOLER_DIRECTORY_URL 'http://dc1' is not an LDAP URL; write ldap://HOST"),
    ("GROUP_BASE", "", "WATERCOOLER_DIRECTORY_GROUP_BASE is not set; write the DN under which groups live"),
    ("USER_ATTRIBUTE", "givenName", "WATERCOOLER_DIRECTORY_USER_ATTRIBUTE 'givenName' is not supported; use one "),
    ("REFRESH", "soon", "WATERCOOLER_DIRECTORY_REFRESH 'soon' is not a number of seconds"),
    ("STARTTLS", "maybe", "WATERCOOLER_DIRECTORY_STARTTLS 'maybe' is not true or false"),
    ("PASSWORD_FILE", "/nonexistent/pw", "WATERCOOLER_DIRECTORY_PASSWORD_FILE cannot read /nonexistent/pw"),
])
def test_each_mistake_names_its_variable_and_the_fix(key, value, message):
    with pytest.raises(DirectorySettingsError) as raised:
        from_environ(BASE | {f"WATERCOOLER_DIRECTORY_{key}": value})
    assert str(raised.value).startswith(message)
