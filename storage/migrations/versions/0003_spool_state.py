"""Proxy heartbeats say how their spool is doing: why it refuses writes, how many records wait in
memory meanwhile and how many were lost beyond that bound.

Revision ID: 0003_spool_state
Revises: 0002_panel
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_spool_state"
down_revision: str | Sequence[str] | None = "0002_panel"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("proxy_nodes", sa.Column("spool_error", sa.Text(), nullable=True))
    op.add_column("proxy_nodes", sa.Column("held_in_memory", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("proxy_nodes", sa.Column("dropped_records", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("proxy_nodes") as batch:
        for column in ("dropped_records", "held_in_memory", "spool_error"):
            batch.drop_column(column)
