"""Adjustments carry a version that every save raises, so a save over a newer one is refused.

Revision ID: 0007_adjustment_version
Revises: 0006_group_members
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_adjustment_version"
down_revision: str | Sequence[str] | None = "0006_group_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("adjustments", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("adjustments") as batch:
        batch.drop_column("version")
