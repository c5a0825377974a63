"""`next` after sign-in: local paths only."""
import pytest

from web.auth.redirects import safe_next

EVIL = ["//evil.example", "/\\evil.example", "https:evil.example", "https://evil.example/",
        "http:/evil.example", "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example",
        "\\\\evil.example", " //evil.example", "evil.example", "", None, "///evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_other_sites_and_odd_spellings_fall_back_to_the_default(target):
    assert safe_next(target, default="/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/me/account", "/admin/accounts?page=2", "/a/b#part"])
def test_local_paths_are_kept(target):
    assert safe_next(target) == target
