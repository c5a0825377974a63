"""Forgetting a person, attacked as someone checking the promise would: after it, no table and no audit
record of the real database holds their name or an address they used; other people's rows stay."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select

from storage.audit import SIGN_IN_FAILED, AuditRecord
from storage.changes.access import AccessRequest, Grant
from storage.changes.adjustments import Adjustment
from storage.db import write_connection
from storage.models import metadata
from storage.outbox import OutboxMessage
from storage.privacy.forget import FORGOTTEN, forget, spool_mentions
from storage.sign_in.accounts import User, authenticate, new_user
from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord
from storage.usage.membership import GroupMember
from storage.writer.apply import apply_batches

NAME, ADDRESS = "quentin.k", "10.3.3.3"
OTHER, OTHER_ADDRESS = "mia", "10.4.4.4"
NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)


def _usage(user: str) -> list:
    day = NOW.date()
    return [MinuteRecord(user, "facebook", "external-social", NOW, day), ChargeRecord(user, "social-budget", NOW, day),
            AttemptRecord(user, "facebook", "social-budget", day, "blocked", 2)]


def _message(recipient: str, subject: str, text: str, payload: dict | None = None) -> dict:
    return {"channel": "webhook" if payload else "email", "recipient": recipient, "subject": subject,
            "text": text, "html": text, "payload": payload, "created_at": NOW, "next_attempt_at": NOW,
            "attempts": 0}


def _audit(conn, actor, action, target, source, before=None, after=None) -> None:
    conn.execute(insert(AuditRecord).values(at=NOW, actor=actor, action=action, target=target, source=source,
                                            before=before, after=after))


def _everything(engine) -> None:
    with write_connection(engine) as conn, conn.begin():
        apply_batches(conn, "proxy-1", {"b1": _usage(NAME), "b2": _usage(OTHER)})
        conn.execute(insert(GroupMember).values([{"group_name": "marketing", "user_name": person, "joined_at": None}
                                                 for person in (NAME, OTHER)]))
        for person in (NAME, OTHER):
            account = new_user(person, "manager", "a long password")
            conn.execute(insert(User).values(name=person, role="manager", password_hash=account.password_hash,
                                             session_generation=0, active=True, created_at=NOW,
                                             password_changed_at=NOW))
        conn.execute(insert(AccessRequest).values(id=1, user_name=NAME, site="facebook", reason="my sister's wedding",
                                                  hours=2, status="approved", created_at=NOW, decided_by=OTHER,
                                                  decided_at=NOW, note=f"ok {NAME}, enjoy"))
        conn.execute(insert(AccessRequest).values(id=2, user_name=OTHER, site="tiktok", reason="campaign", hours=1,
                                                  status="declined", created_at=NOW, decided_by=NAME, decided_at=NOW,
                                                  note="not this week"))
        conn.execute(insert(Grant).values(user_name=NAME, site="facebook", starts_at=NOW, expires_at=NOW,
                                          granted_by=OTHER, request_id=1))
        conn.execute(insert(Grant).values(user_name=OTHER, site="linkedin", starts_at=NOW, expires_at=NOW,
                                          granted_by=NAME))
        conn.execute(insert(Grant).values(user_name=OTHER, site="tiktok", starts_at=NOW, expires_at=NOW,
                                          granted_by=OTHER, ended_by=NAME))   # they ended it early
        conn.execute(insert(Adjustment).values(rule="social-budget", group_name=NAME, minutes=60, set_by=OTHER,
                                               set_at=NOW))
        conn.execute(insert(Adjustment).values(rule="social-budget", group_name="marketing", minutes=45, set_by=NAME,
                                               set_at=NOW))
        conn.execute(insert(OutboxMessage).values([   # messages not delivered yet
            _message(f"{NAME}@corp.example", "Watercooler: Your request for Facebook is approved", "Approved."),
            _message(f"{OTHER}@corp.example", f"Watercooler: {NAME} asks for Facebook", f"{NAME} asks."),
            _message("https://hooks.example/x", "Your access to Facebook ends soon", "-",
                     {"person": NAME, "text": "Your access ends soon."}),
            _message(f"{OTHER}@corp.example", "Watercooler: Your request for TikTok is declined", "Declined.")]))
        _audit(conn, None, "account created", f"account:{NAME}", "command line (root)", after={"role": "manager"})
        _audit(conn, None, SIGN_IN_FAILED, f"account:{NAME}", ADDRESS, after={"why": "wrong password"})
        _audit(conn, None, SIGN_IN_FAILED, "account:someone-else", ADDRESS, after={"why": "no such account"})
        _audit(conn, NAME, "access requested", "request:1", ADDRESS,
               after={"site": "facebook", "hours": 2, "reason": "my sister's wedding"})
        _audit(conn, OTHER, "request approved", "request:1", OTHER_ADDRESS,
               after={"user": NAME, "note": f"ok {NAME}, enjoy"})
        _audit(conn, NAME, "request declined", "request:2", ADDRESS, after={"status": "declined"})
        _audit(conn, OTHER, "access granted", f"grant:{NAME}/facebook", OTHER_ADDRESS, after={"until": "x"})
        _audit(conn, OTHER, "refused", "adjustment:social-budget/x", OTHER_ADDRESS,
               after={"why": f"{OTHER} does not manage a group of {NAME}"})


def _every_value(engine, but: str = "") -> list[str]:
    """Every value of every row of every table, as text: where a name or an address would show
    (without rows holding the value `but`)."""
    values = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                if but not in row:
                    values.extend(str(value) for value in row)
    return values


def test_after_forgetting_no_table_holds_the_name_or_their_address(usage_engine):
    _everything(usage_engine)
    before = _every_value(usage_engine)
    assert any(NAME in v for v in before) and any(ADDRESS in v for v in before)
    pseudonym, counts = forget(usage_engine, NAME, source="command line (root)")
    after = _every_value(usage_engine)
    assert [v for v in after if NAME in v or ADDRESS in v or "wedding" in v] == []
    assert pseudonym.startswith("forgotten-") and any(pseudonym in v for v in after)
    assert counts["active_minutes"] == counts["quota_charges"] == counts["usage_attempts"] == 1
    assert counts["group_members"] == 1
    assert (counts["access_requests"], counts["grants"], counts["adjustments"], counts["accounts"]) == (1, 1, 1, 1)
    assert counts["outbox"] == 3           # to them, or naming them; mia's own message waits on
    assert any("TikTok is declined" in v for v in after)
    # other people's rows stay, what this person did for them now says the pseudonym
    assert any(OTHER_ADDRESS in v for v in after) and any("campaign" in v for v in after)
    with usage_engine.connect() as conn:
        assert conn.scalar(select(AccessRequest.decided_by).where(AccessRequest.id == 2)) == pseudonym
        assert conn.scalar(select(Grant.granted_by).where(Grant.site == "linkedin")) == pseudonym
        assert conn.scalar(select(Grant.ended_by).where(Grant.site == "tiktok")) == pseudonym
        assert conn.scalar(select(Adjustment.set_by).where(Adjustment.group_name == "marketing")) == pseudonym
        # the audit keeps that things happened, in order, and that the forgetting did
        actions = list(conn.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))
        assert actions[:3] == ["account created", SIGN_IN_FAILED, SIGN_IN_FAILED] and actions[-1] == FORGOTTEN
        assert conn.scalar(select(AuditRecord.target).where(AuditRecord.action == FORGOTTEN)) == f"person:{pseudonym}"


def test_the_forgotten_account_can_never_sign_in_and_its_sessions_end(usage_engine):
    from sqlalchemy.orm import Session

    _everything(usage_engine)
    with Session(usage_engine) as db:
        old_id = db.scalar(select(User.id).where(User.name == NAME))
    pseudonym, _ = forget(usage_engine, NAME, source="test")
    with Session(usage_engine) as db:
        account = db.get(User, old_id)   # the id stays taken: an old cookie can never name a new account
        assert (account.name, account.active, account.session_generation) == (pseudonym, False, 1)
        assert authenticate(db, NAME, "a long password") is None
        assert authenticate(db, pseudonym, "a long password") is None


def test_forgetting_someone_unknown_changes_nothing_but_says_so(usage_engine):
    _everything(usage_engine)
    before = _every_value(usage_engine)
    _, counts = forget(usage_engine, "nobody-of-that-name", source="test")
    assert set(counts.values()) == {0}
    assert _every_value(usage_engine, but=FORGOTTEN) == before


def test_spool_files_still_holding_the_person_are_found(tmp_path: Path):
    node = tmp_path / "spool" / "proxy-1"
    node.mkdir(parents=True)
    (node / "0000000001.jsonl").write_text(
        f'{{"batch": "b", "type": "minute", "user": "{NAME}", "n": 2}}\n{{"batch": "b", "user": "{OTHER}"}}\n')
    (node / "rejected.jsonl").write_text(f'{{"user": "{NAME}"}}\nnot json\n')
    (node / "0000000002.jsonl").write_text(f'{{"user": "{OTHER}"}}\n')
    assert spool_mentions(tmp_path / "spool", NAME) == {node / "0000000001.jsonl": 1, node / "rejected.jsonl": 1}
