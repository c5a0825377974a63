"""Sign-in that holds: account names unique regardless of case, passwords an admin set are changed at
first sign-in, and sign-in counters that are counted before each password check.

Accounts whose names differ only in case (`Alice` and `alice`) cannot both stay: the upgrade refuses,
naming them, and changes nothing until all but one of each are renamed or removed.

Revision ID: 0005_sign_in
Revises: 0004_retention
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.db import StorageError

revision: str = "0005_sign_in"
down_revision: str | Sequence[str] | None = "0004_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Stamp = sa.DateTime(timezone=True)   # storage.utc.UTCDateTime


def upgrade() -> None:
    names = op.get_bind().execute(sa.text(
        "SELECT name FROM accounts WHERE lower(name) IN "
        "(SELECT lower(name) FROM accounts GROUP BY lower(name) HAVING count(*) > 1) ORDER BY lower(name), name"
    )).scalars().all()
    if names:
        raise StorageError(
            "account names must be unique regardless of case, and these differ only in case: "
            f"{', '.join(names)}; rename or remove all but one of each in the accounts table "
            "(the policy's member lists name the one to keep), then upgrade again")
    # A plain ADD COLUMN on both databases (no table copy on SQLite, which would lose the index below).
    op.add_column("accounts", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.create_index("uq_accounts_name_lower", "accounts", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "sign_in_counters",
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=80), nullable=False),
        sa.Column("window_started", Stamp, nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("last_check", Stamp, nullable=True),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account", "address", name=op.f("pk_sign_in_counters")),
    )
    op.create_index("ix_sign_in_counters_window_started", "sign_in_counters", ["window_started"])


def downgrade() -> None:
    op.drop_table("sign_in_counters")
    op.drop_index("uq_accounts_name_lower", table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("must_change_password")
