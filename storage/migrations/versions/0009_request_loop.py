"""Requests can be withdrawn or expire, grants ended early or add budget minutes; the outbox of messages.

Revision ID: 0009_request_loop
Revises: 0008_directory
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_request_loop"
down_revision: str | Sequence[str] | None = "0008_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Stamp = sa.DateTime(timezone=True)   # storage.utc.UTCDateTime: aware UTC on both databases
OLD_STATUSES = "status IN ('pending', 'approved', 'declined')"
NEW_STATUSES = "status IN ('pending', 'approved', 'declined', 'withdrawn', 'expired')"


def upgrade() -> None:
    with op.batch_alter_table("access_requests") as batch:
        batch.drop_constraint(op.f("ck_access_requests_status"), type_="check")
        batch.create_check_constraint("status", sa.text(NEW_STATUSES))
        batch.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
    with op.batch_alter_table("grants") as batch:
        batch.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("ended_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("ending_told_at", Stamp, nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("next_attempt_at", Stamp, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    with op.batch_alter_table("grants") as batch:
        for column in ("ending_told_at", "ended_by", "minutes"):
            batch.drop_column(column)
    op.execute("DELETE FROM grants WHERE request_id IN "
               "(SELECT id FROM access_requests WHERE status IN ('withdrawn', 'expired'))")
    op.execute("DELETE FROM access_requests WHERE status IN ('withdrawn', 'expired')")
    with op.batch_alter_table("access_requests") as batch:
        batch.drop_column("minutes")
        batch.drop_constraint(op.f("ck_access_requests_status"), type_="check")
        batch.create_check_constraint("status", sa.text(OLD_STATUSES))
