"""Usage tables: active minutes, quota charges, attempts, applied writer batches, proxy heartbeats.

Revision ID: 0001_usage
Revises:
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_usage"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)   # storage.utc.UTCDateTime: aware UTC on both databases
Name = sa.String(length=255)


def upgrade() -> None:
    op.create_table(
        "active_minutes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_name", Name, nullable=False),
        sa.Column("site", Name, nullable=False),
        sa.Column("category", Name, nullable=False),
        sa.Column("minute", Stamp, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_active_minutes")),
        sa.UniqueConstraint("user_name", "site", "minute",
                            name=op.f("uq_active_minutes_user_name_site_minute")),
    )
    op.create_index("ix_active_minutes_day_site", "active_minutes", ["day", "site"])
    op.create_index("ix_active_minutes_day_user", "active_minutes", ["day", "user_name"])

    op.create_table(
        "quota_charges",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_name", Name, nullable=False),
        sa.Column("rule", Name, nullable=False),
        sa.Column("minute", Stamp, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_charges")),
        sa.UniqueConstraint("user_name", "rule", "minute",
                            name=op.f("uq_quota_charges_user_name_rule_minute")),
    )
    op.create_index("ix_quota_charges_rule_minute", "quota_charges", ["rule", "minute"])

    op.create_table(
        "usage_attempts",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_name", Name, nullable=False),
        sa.Column("site", Name, nullable=False),
        sa.Column("rule", Name, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_attempts")),
        sa.UniqueConstraint("user_name", "site", "rule", "day", "kind",
                            name=op.f("uq_usage_attempts_user_name_site_rule_day_kind")),
    )
    op.create_index("ix_usage_attempts_day_site", "usage_attempts", ["day", "site"])
    op.create_index("ix_usage_attempts_day_user", "usage_attempts", ["day", "user_name"])

    op.create_table(
        "usage_batches",
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("node_id", Name, nullable=False),
        sa.Column("applied_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_usage_batches")),
    )
    op.create_index("ix_usage_batches_applied_at", "usage_batches", ["applied_at"])

    op.create_table(
        "proxy_nodes",
        sa.Column("node_id", Name, nullable=False),
        sa.Column("started_at", Stamp, nullable=False),
        sa.Column("last_seen", Stamp, nullable=False),
        sa.Column("policy_version", Name, nullable=True),
        sa.Column("last_reload_error", sa.Text(), nullable=True),
        sa.Column("spooled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_proxy_nodes")),
    )


def downgrade() -> None:
    for table in ("proxy_nodes", "usage_batches", "usage_attempts", "quota_charges", "active_minutes"):
        op.drop_table(table)  # their indexes go with them
