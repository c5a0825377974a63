"""Retention and forgetting may erase names, addresses and old records from the audit trail, only
inside a transaction that holds a row in `audit_erasures`; nothing else may change it.

Revision ID: 0004_retention
Revises: 0003_spool_state
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.audit import APPEND_ONLY_DDL

revision: str = "0004_retention"
down_revision: str | Sequence[str] | None = "0003_spool_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The guard as 0002_panel made it, for the downgrade.
STRICT_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
    ],
}


def _replace_guard(statements: dict[str, list[str]]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for statement in statements["sqlite"]:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(statements["postgresql"][0])   # the function; its trigger stays as it is


def upgrade() -> None:
    op.create_table(
        "audit_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_erasures")),
    )
    _replace_guard(APPEND_ONLY_DDL)


def downgrade() -> None:
    _replace_guard(STRICT_DDL)
    op.drop_table("audit_erasures")
