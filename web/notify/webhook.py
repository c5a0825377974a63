"""The webhook's JSON body, in three formats: Watercooler's own, Slack's and Microsoft Teams'.

`json` is `{"event", "person", "site", "site_label", "by", "until", "hours", "minutes", "link", "text"}`;
`slack` is an incoming webhook's `{"text"}` (mrkdwn, the link included); `teams` a MessageCard with the
text and an "Open" button. Neither carries the person's reason nor the decider's note: a webhook posts
to a channel, which may be read by more people than the message is for.
"""
from __future__ import annotations

from web.notify.events import Event

FORMATS = ("json", "slack", "teams")


def payload(event: Event, link: str, form: str = "json") -> dict:
    if form not in FORMATS:
        raise ValueError(f"WEBHOOK_FORMAT {form!r} is not one of {', '.join(FORMATS)}")
    text = event.headline + "."
    if form == "slack":
        return {"text": f"{text} <{link}|Open in Watercooler>"}
    if form == "teams":
        return {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": event.headline,
                "text": text, "potentialAction": [{"@type": "OpenUri", "name": "Open in Watercooler",
                                                   "targets": [{"os": "default", "uri": link}]}]}
    return {"event": event.kind, "person": event.person, "site": event.site, "site_label": event.label,
            "by": event.by, "until": event.until.isoformat() if event.until else None, "hours": event.hours,
            "minutes": event.minutes, "link": link, "text": text}
