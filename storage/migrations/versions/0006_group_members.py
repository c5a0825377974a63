"""Group membership history, so team summaries count each person only for the days they belonged.

Revision ID: 0006_group_members
Revises: 0005_sign_in
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_group_members"
down_revision: str | Sequence[str] | None = "0005_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)   # storage.utc.UTCDateTime: aware UTC on both databases
OPEN = sa.text("left_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "group_members",
        sa.Column("id", BigId, nullable=False),
        sa.Column("group_name", sa.String(length=255), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("joined_at", Stamp, nullable=True),
        sa.Column("left_at", Stamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
    )
    op.create_index("ix_group_members_group_name", "group_members", ["group_name", "user_name"])
    # At most one open row per pair: two panels recording the same change cannot both open one.
    op.create_index("uq_group_members_open", "group_members", ["group_name", "user_name"], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_table("group_members")  # indexes go with the table
