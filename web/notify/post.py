"""Posting one webhook message: a JSON body to the URL, answered with a 2xx within the timeout."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from storage.outbox import OutboxMessage


def post_webhook(config: Mapping[str, Any], message: OutboxMessage) -> None:
    body = json.dumps(message.payload).encode("utf-8")
    asked = urllib.request.Request(message.recipient, data=body, method="POST",
                                   headers={"Content-Type": "application/json", "User-Agent": "Watercooler"})
    # urlopen raises HTTPError (an OSError) on 4xx and 5xx: the message waits for another try
    with urllib.request.urlopen(asked, timeout=float(config.get("WEBHOOK_TIMEOUT") or 10)) as answer:
        answer.read()
