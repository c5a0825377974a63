"""The words of each e-mail: a subject, a plain-text part and an HTML part, both linking to the page.

Only what the recipient may see: no usage figures ever; the person's reason only in the message to the
managers who decide it; the decider's note only to the person it was written for.
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape

from web.notify.events import Event

ACTIONS = {
    "request.created": "Open the requests page to approve or decline it",
    "request.approved": "See it on your page",
    "request.declined": "See it on your page",
    "request.expired": "Ask again from your page",
    "grant.given": "See it on your page",
    "grant.ending": "Ask for more time from your page",
    "grant.ended": "See it on your page",
}


def when(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")


def lines(event: Event) -> list[str]:
    """The sentences of the message, the same in both parts."""
    found, by = [], f" by {event.by}" if event.by else ""
    asked = f"{event.minutes} more minutes today" if event.minutes else f"{event.hours} hours" if event.hours else ""
    if event.kind == "request.created":
        found.append(f"{event.person} asks for {event.label}" + (f" for {asked}." if asked else "."))
        if event.reason:
            found.append(f"Their reason: “{event.reason}”")
        found.append("Nobody else is asked to decide it but the managers of their groups (or the admins).")
    elif event.kind in ("request.approved", "grant.given"):
        verb = "Approved" if event.kind == "request.approved" else "Granted"
        found.append(f"{verb}{by}: you may use {event.label}" + (
            f" until {when(event.until, event.zone)}." if event.until and not event.minutes else
            f" for {event.minutes} more minutes today." if event.minutes else "."))
    elif event.kind == "request.declined":
        found.append(f"Your request for {event.label} was declined{by}.")
    elif event.kind == "request.expired":
        found.append(f"Nobody decided your request for {event.label} in time, so it expired.")
    elif event.kind == "grant.ending" and event.until is not None:
        found.append(f"Your access to {event.label} ends at {when(event.until, event.zone)}.")
    elif event.kind == "grant.ended":
        found.append(f"Your access to {event.label} was ended{by}.")
    if event.note:
        found.append(f"Note: “{event.note}”")
    return found


def compose(event: Event, link: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the e-mail about `event`, linking to `link`."""
    body, action = lines(event), ACTIONS[event.kind]
    text = "\n\n".join([*body, f"{action}: {link}", "— Watercooler"]) + "\n"
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in body)
    html = (f"<!doctype html><html><body>{paragraphs}"
            f'<p><a href="{escape(link, quote=True)}">{escape(action)}</a></p>'
            "<p>— Watercooler</p></body></html>")
    return f"Watercooler: {event.headline}", text, html
