"""Sign-in throttling as attackers meet it: a burst of concurrent guesses against a served panel, and a
stranger on another loopback address — on a SQLite file and on the real PostgreSQL."""
from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import AuditRecord
from storage.db import make_engine
from storage.sign_in.accounts import User
from storage.sign_in.throttle import SignInCounter
from tests.support.databases import BACKENDS, schema_url
from tests.support.live_panel import serve
from tests.support.net import poll
from tests.web.conftest import ACCOUNTS, PASSWORD, RULES, THURSDAY_10, csrf_token
from web import create_app
from web.auth.views import THROTTLED, WRONG

GUESSES = 60
STRANGER = "127.0.0.2"   # Linux answers the whole 127/8 on loopback: a second client address


@pytest.fixture(params=BACKENDS)
def panel_url(request, tmp_path, password_hash):
    """A served panel (real HTTP on 127.0.0.1) on a migrated SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        db_url, cleanup = f"sqlite:///{tmp_path / 'panel.db'}", None
    else:
        cleanup = schema_url(request.getfixturevalue("pg_database"))
        db_url = next(cleanup)
    app = create_app({"DB": db_url, "DATA": str(tmp_path), "SECRET_KEY": "test secret", "RULES": str(RULES),
                      "CLOCK": lambda: THURSDAY_10, "DB_SETUP": "upgrade"})
    engine = make_engine(db_url)
    with Session(engine) as db:
        db.add_all(User(name=name, role=role, password_hash=password_hash, session_generation=1, active=True)
                   for name, role in ACCOUNTS.items())
        db.commit()
    with serve(app) as base:
        yield base, engine
    engine.dispose()
    if cleanup:
        cleanup.close()


def _browser(base: str, address: str = "127.0.0.1") -> tuple[httpx.Client, str]:
    """A client from `address` with a session cookie and the sign-in form's token."""
    client = httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address=address), timeout=60)
    return client, csrf_token(client.get("/auth/login").text)


def _sign_in(client: httpx.Client, token: str, name: str, password: str) -> httpx.Response:
    return client.post("/auth/login", data={"name": name, "password": password, "csrf_token": token})


def test_a_burst_of_concurrent_guesses_checks_five_and_the_late_right_password_fails(panel_url):
    base, engine = panel_url
    clients = [_browser(base) for _ in range(GUESSES)]
    answers: list[httpx.Response] = []
    lock, start = threading.Lock(), threading.Barrier(GUESSES - 1)

    def guess(client, token, number):
        start.wait(timeout=60)
        answer = _sign_in(client, token, "erin", f"guess number {number}")
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=guess, args=(*clients[i], i)) for i in range(GUESSES - 1)]
    for thread in threads:
        thread.start()
    poll(lambda: len(answers) >= 50, timeout=120, what="50 answers to the burst")
    right_client, right_token = clients[-1]
    right = _sign_in(right_client, right_token, "erin", PASSWORD)   # guess 51 or later, the right one
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == GUESSES - 1
    assert sorted({a.status_code for a in answers}) == [200, 429]   # no 500, no 503
    assert sum(WRONG in a.text for a in answers) == 5                # five passwords checked, no more
    assert sum(THROTTLED in a.text for a in answers) == GUESSES - 1 - 5
    assert right.status_code == 429 and THROTTLED in right.text
    assert right_client.get("/me/account").status_code == 302       # not signed in
    with Session(engine) as db:
        counter = db.get(SignInCounter, ("erin", "127.0.0.1"))
        assert (counter.checks, counter.refused) == (5, GUESSES - 5)
        actions = db.scalars(select(AuditRecord.action)).all()
    assert sorted(actions) == ["sign-in failed", "sign-in throttled"]   # one record each, not sixty
    for client, _ in clients:
        client.close()


def test_a_stranger_guessing_from_another_address_does_not_lock_the_owner_out(panel_url):
    base, engine = panel_url
    stranger, stranger_token = _browser(base, STRANGER)
    answers = [_sign_in(stranger, stranger_token, "erin", f"guess {n}").status_code for n in range(12)]
    assert answers == [200] * 5 + [429] * 7
    assert _sign_in(stranger, stranger_token, "erin", PASSWORD).status_code == 429   # that address waits
    owner, owner_token = _browser(base)
    signed_in = _sign_in(owner, owner_token, "erin", PASSWORD)
    assert signed_in.status_code == 302 and owner.get("/me/account").status_code == 200
    with Session(engine) as db:
        assert db.scalars(select(AuditRecord.source).where(AuditRecord.action.like("sign-in %"))).all() \
            == [STRANGER, STRANGER]   # the owner's sign-in left no trace of trouble
    stranger.close()
    owner.close()
