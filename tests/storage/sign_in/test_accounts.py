"""Accounts: argon2id hashes, session generations, name rules — on SQLite and PostgreSQL after migrating."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from storage.sign_in.accounts import User, authenticate, find_user, new_user

PASSWORD = "correct horse battery"


def test_passwords_are_stored_as_argon2id_hashes(db):
    db.add(new_user("alice", "manager", PASSWORD))
    db.commit()
    stored = find_user(db, "alice").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_only_the_right_password_of_an_active_account_authenticates(db):
    db.add(new_user("alice", "employee", PASSWORD))
    db.commit()
    assert authenticate(db, "alice", PASSWORD).name == "alice"
    assert authenticate(db, "alice", PASSWORD + "!") is None
    assert authenticate(db, "nobody", PASSWORD) is None
    assert authenticate(db, "alice", "x" * 5000) is None
    find_user(db, "alice").active = False
    assert authenticate(db, "alice", PASSWORD) is None


def test_a_new_password_and_a_sign_out_raise_the_session_generation(db):
    user = new_user("alice", "employee", PASSWORD)
    db.add(user)
    db.commit()
    first = user.get_id()
    user.set_password("another odd passphrase")
    second = user.get_id()
    user.end_sessions()
    assert len({first, second, user.get_id()}) == 3
    assert first.startswith(f"{user.id}:")


def test_names_are_unique_regardless_of_case_and_roles_are_checked_by_the_database(db):
    db.add(new_user("alice", "employee", PASSWORD))
    db.commit()
    for taken in ("alice", "Alice", "ALICE"):
        db.add(new_user(taken, "admin", PASSWORD))
        with pytest.raises(IntegrityError):
            db.commit()
        db.rollback()
    db.add(User(name="bob", role="root", password_hash="x", session_generation=0, active=True))
    with pytest.raises(IntegrityError):
        db.commit()


@pytest.mark.parametrize("name", ["", "-alice", "al ice", "alice!", "a" * 101])
def test_bad_names_are_refused_with_the_rule(name):
    with pytest.raises(ValueError, match="letters, digits"):
        new_user(name, "employee", PASSWORD)


def test_names_are_found_whatever_their_case(db):
    db.add(new_user("alice.krueger", "employee", PASSWORD))
    db.commit()
    assert find_user(db, "Alice.Krueger").name == "alice.krueger"
    assert authenticate(db, "ALICE.KRUEGER", PASSWORD).name == "alice.krueger"


def test_admin_set_passwords_must_be_changed_and_own_ones_not(db):
    user = new_user("alice", "employee", PASSWORD)
    assert user.must_change_password is True
    user.set_password("my very own passphrase")
    assert user.must_change_password is False
    assert new_user("bob", "employee", PASSWORD, must_change=False).must_change_password is False


def test_disabling_ends_every_session_and_enabling_revives_none(db):
    user = new_user("alice", "employee", PASSWORD)
    db.add(user)
    db.commit()
    before = user.get_id()
    user.disable()
    user.active = True
    assert user.get_id() != before


def test_short_or_common_passwords_and_unknown_roles_are_refused():
    with pytest.raises(ValueError, match="12 to 1024 characters"):
        new_user("alice", "employee", "elevenchars")
    with pytest.raises(ValueError, match="common or easily guessed"):
        new_user("alice", "employee", "password1234")
    with pytest.raises(ValueError, match="12 to 1024 characters"):
        new_user("alice", "employee", "short")
    with pytest.raises(ValueError, match="role must be one of admin, manager, employee"):
        new_user("alice", "owner", PASSWORD)


def test_an_unknown_name_costs_a_full_password_check(db, monkeypatch):
    """So the time a sign-in takes does not tell whether the name exists."""
    import storage.sign_in.accounts as accounts
    checked, real = [], accounts._hasher

    class Watching:
        def verify(self, hash_, password):
            checked.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(accounts, "_hasher", Watching())
    assert authenticate(db, "nobody", PASSWORD) is None
    assert checked == [accounts._dummy_hash()] and checked[0].startswith("$argon2id$")
