"""Directory snapshots: the company directory's groups as last read, shared by every proxy and panel.

Revision ID: 0008_directory
Revises: 0007_adjustment_version
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_directory"
down_revision: str | Sequence[str] | None = "0007_adjustment_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)   # storage.utc.UTCDateTime: aware UTC on both databases


def upgrade() -> None:
    op.create_table(
        "directory_snapshots",
        sa.Column("id", BigId, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("taken_at", Stamp, nullable=False),
        sa.Column("checked_at", Stamp, nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_snapshots")),
    )
    op.create_table(
        "directory_members",
        sa.Column("id", BigId, nullable=False),
        sa.Column("snapshot_id", BigId, nullable=False),
        sa.Column("group_dn", sa.String(length=1024), nullable=False),
        sa.Column("member", sa.String(length=1024), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["directory_snapshots.id"], ondelete="CASCADE",
                                name=op.f("fk_directory_members_snapshot_id_directory_snapshots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_members")),
    )
    op.create_index("ix_directory_members_snapshot_id", "directory_members", ["snapshot_id"])
    op.create_table(
        "directory_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", Stamp, nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_status")),
    )


def downgrade() -> None:
    op.drop_table("directory_members")
    op.drop_table("directory_snapshots")
    op.drop_table("directory_status")
