"""The panel's background thread: every few seconds it expires overdue requests, tells people whose grant
ends soon, and delivers the outbox. Started by `watercooler panel`, not by the app factory.

A message is claimed before it is sent (its next attempt moved ahead by a conditional update), so two
panels never send it at once, and no database transaction is open while a server is talked to: a mail
server that hangs delays only this thread, never a panel request.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from storage.db import changed_rows
from storage.outbox import OutboxMessage, delivered, due, failed
from storage.utc import utcnow
from web.clock import now
from web.db import db
from web.notify.mail import send_mail
from web.notify.notifier import Notifier
from web.notify.post import post_webhook
from web.policy_source import PolicyUnavailable, current_policy
from web.requests.lifecycle import expire_overdue, remind_ending

logger = logging.getLogger("watercooler.panel")
EVERY_SECONDS = 5
CLAIM = timedelta(minutes=5)   # how long a claimed message is left to its sender before another may try
CHANNELS = {"email": send_mail, "webhook": post_webhook}


def housekeep(app: Flask) -> None:
    """Expire requests undecided for `REQUEST_EXPIRY_HOURS`; warn of grants ending within
    `GRANT_ENDING_NOTICE_MINUTES`. Both tell through the outbox."""
    with app.app_context():
        try:
            policy = current_policy()
        except PolicyUnavailable:
            return
        tell, moment = Notifier(app.config), now()
        expire_overdue(db(), policy, moment, timedelta(hours=float(app.config["REQUEST_EXPIRY_HOURS"])), tell)
        remind_ending(db(), policy, moment, timedelta(minutes=float(app.config["GRANT_ENDING_NOTICE_MINUTES"])), tell)
        db().commit()


def deliver_due(app: Flask) -> tuple[int, int]:
    """Try every message that is due once; returns (delivered, failed)."""
    sent = lost = 0
    with app.app_context():
        moment = utcnow()   # the outbox runs on real time, whatever clock the panel's policy reads
        waiting = due(db(), moment)
        db().rollback()
        for message in waiting:
            claimed = changed_rows(db().execute(update(OutboxMessage).where(
                OutboxMessage.id == message.id, OutboxMessage.next_attempt_at == message.next_attempt_at)
                .values(next_attempt_at=moment + CLAIM).execution_options(synchronize_session=False)))
            db().commit()
            if claimed != 1:
                continue
            try:
                CHANNELS[message.channel](app.config, message)
            except Exception as exc:  # every failure is the same to the outbox: keep it, say why, retry later
                error = f"{type(exc).__name__}: {exc}"
                logger.warning("could not deliver %s to %s (%s); trying again later", message.channel,
                               message.recipient, error)
                failed(db(), message, error, utcnow(), float(app.config["OUTBOX_FIRST_RETRY_SECONDS"]))
                lost += 1
            else:
                delivered(db(), message.id)
                sent += 1
            db().commit()
    return sent, lost


def start_sender(app: Flask, every: float = EVERY_SECONDS) -> threading.Event:
    """Run housekeeping and delivery every `every` seconds until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            for step in (housekeep, deliver_due):
                try:
                    step(app)
                except Exception as exc:  # a database having a bad day must not stop the thread
                    logger.warning("notifications: %s failed (%s: %s); trying again", step.__name__,
                                   type(exc).__name__, exc)
            stop.wait(every)

    threading.Thread(target=loop, name="watercooler-notify", daemon=True).start()
    return stop
