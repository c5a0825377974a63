"""Creating an account says whether the rules know the name (and its groups); an unknown one is warned
about, with the known name it may be a typo of; the accounts list shows each account's groups."""
from __future__ import annotations

import re
from html import unescape

from policy.engine.engine import Policy
from policy.loading.loader import load_doc
from tests.web.conftest import RULES, post_form
from web.admin.known_names import name_in_rules

NEW_PASSWORD = "another long odd passphrase"


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def test_names_the_rules_know_and_typos_of_them():
    policy = Policy.from_doc(load_doc(RULES))
    assert name_in_rules(policy, "bob").words() == "groups marketing, staff"
    assert name_in_rules(policy, "carol").words() == "manages marketing"
    typo = name_in_rules(policy, "eirn")
    assert not typo.known and typo.closest == "erin" and "Did you mean erin?" in typo.sentence()


def test_creating_an_account_shows_its_groups_or_warns(client, auth):
    auth.login("ada")
    post_form(client, "/admin/accounts", {"name": "bob", "role": "employee", "password": NEW_PASSWORD})
    page = _text(client.get("/admin/accounts"))
    assert "Account bob created." in page and "The rules know bob: groups marketing, staff." in page
    post_form(client, "/admin/accounts", {"name": "erin.k", "role": "employee", "password": NEW_PASSWORD})
    page = _text(client.get("/admin/accounts"))
    assert "Account erin.k created." in page
    assert "The rules name erin.k in no group, so only the rules for everyone apply to them" in page
    assert "Did you mean erin?" in page
    listing = client.get("/admin/accounts").get_data(as_text=True)
    assert re.search(r">erin\.k</a>.*?Not in the rules", listing, re.S)
    assert re.search(r">carol</a>.*?manages marketing", listing, re.S)
