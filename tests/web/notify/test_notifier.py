"""Events become outbox rows: one e-mail per recipient with an address, one webhook post, nothing when off."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.outbox import OutboxMessage
from web.notify.events import Event
from web.notify.notifier import Notifier, address_of

EVENT = Event("request.created", "erin", "facebook", "Facebook", ("carol", "ada@corp.example"), "/requests/",
              ZoneInfo("Europe/Berlin"), reason="Job ads", hours=8)


def test_addresses_come_from_the_mail_domain_or_the_name_itself():
    assert address_of("carol", "corp.example") == "carol@corp.example"
    assert address_of("ada@corp.example", "corp.example") == "ada@corp.example"
    assert address_of("carol", None) is None


def test_one_row_per_recipient_and_one_webhook_post(migrated_session):
    db = migrated_session
    Notifier({"SMTP_HOST": "mail.corp.example", "MAIL_DOMAIN": "corp.example", "WEBHOOK_URL": "https://hooks.example/x",
              "PANEL_URL": "https://panel.corp.example/"})(db, EVENT)
    db.commit()
    rows = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(row.channel, row.recipient) for row in rows] == [
        ("email", "carol@corp.example"), ("email", "ada@corp.example"), ("webhook", "https://hooks.example/x")]
    assert "https://panel.corp.example/requests/" in rows[0].text
    assert rows[2].payload["link"] == "https://panel.corp.example/requests/"


def test_without_settings_nothing_is_queued(migrated_session):
    Notifier({})(migrated_session, EVENT)
    assert migrated_session.scalars(select(OutboxMessage)).all() == []
