"""Indexes the panel's team summaries need on the proxy's usage tables.

Summaries ask for a few people over a week or two: (user_name, day) finds exactly their rows, where
the usage tables' own (day, ...) indexes would walk every person's rows for those days. On PostgreSQL
the index also carries site, category and minute, so the summaries read the index alone. Declared here,
beside the panel's models, and created by revision 0002_panel.
"""
from sqlalchemy import Index

from storage.usage.tables import ActiveMinute

ACTIVE_MINUTES_BY_PERSON = Index(
    "ix_active_minutes_user_name_day", ActiveMinute.user_name, ActiveMinute.day,
    postgresql_include=["site", "category", "minute"])
