"""Panel tables: accounts (argon2id hashes, session generation), the append-only audit trail, access
requests, temporary grants and managers' adjustments; an index for the team summaries.

Revision ID: 0002_panel
Revises: 0001_usage
Create Date: 2026-11-26
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_panel"
down_revision: str | Sequence[str] | None = "0001_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Stamp = sa.DateTime(timezone=True)   # storage.utc.UTCDateTime: aware UTC on both databases

# The audit guard as this revision made it (0004_retention lets erasures past it); kept here as it was.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    ],
}
APPEND_ONLY_DROP = {"postgresql": ["DROP FUNCTION IF EXISTS audit_append_only() CASCADE"]}


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("session_generation", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("password_changed_at", Stamp, nullable=False),
        sa.CheckConstraint("role IN ('admin', 'manager', 'employee')", name=op.f("ck_accounts_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_action_target_at", "audit", ["action", "target", "at"])
    op.create_index("ix_audit_action_source_at", "audit", ["action", "source", "at"])
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", Stamp, nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'approved', 'declined')", name=op.f("ck_access_requests_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_requests")),
    )
    op.create_index("ix_access_requests_status_created_at", "access_requests", ["status", "created_at"])
    op.create_index("ix_access_requests_user_name_created_at", "access_requests", ["user_name", "created_at"])
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("starts_at", Stamp, nullable=False),
        sa.Column("expires_at", Stamp, nullable=False),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["access_requests.id"],
                                name=op.f("fk_grants_request_id_access_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    op.create_index("ix_grants_expires_at", "grants", ["expires_at"])
    op.create_index("ix_grants_user_name", "grants", ["user_name"])

    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=255), nullable=False),
        sa.Column("group_name", sa.String(length=255), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("when", sa.JSON(), nullable=True),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
        sa.UniqueConstraint("rule", "group_name", name=op.f("uq_adjustments_rule_group_name")),
    )
    # Team summaries read a few people's rows over a week (storage/usage/indexes.py).
    op.create_index("ix_active_minutes_user_name_day", "active_minutes", ["user_name", "day"],
                    postgresql_include=["site", "category", "minute"])


def downgrade() -> None:
    for statement in APPEND_ONLY_DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_index("ix_active_minutes_user_name_day", table_name="active_minutes")
    op.drop_table("adjustments")
    op.drop_table("grants")  # indexes go with their tables
    op.drop_table("access_requests")
    op.drop_table("audit")  # its SQLite triggers go with it
    op.drop_table("accounts")
