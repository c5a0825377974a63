"""Webhook posts to a real HTTP receiver on loopback; a refusal is an error the sender retries."""
from __future__ import annotations

import pytest

from storage.outbox import OutboxMessage
from tests.support.webhook_receiver import webhook_receiver
from web.notify.post import post_webhook


def test_one_json_post_arrives_and_an_error_answer_raises(tmp_path):
    with webhook_receiver() as (url, received):
        message = OutboxMessage(id=1, channel="webhook", recipient=url, payload={"text": "erin asks for Facebook."})
        post_webhook({}, message)
        assert received == [("application/json", {"text": "erin asks for Facebook."})]
        received.status = 500
        with pytest.raises(OSError, match="500"):
            post_webhook({}, message)
