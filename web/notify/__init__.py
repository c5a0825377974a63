"""Telling people about requests and grants: by e-mail and a webhook, through the outbox."""
