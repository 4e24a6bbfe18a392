"""login throttles, shared rate-limit counters, a second factor for staff accounts

login_throttles: sign-in attempts counted per (user name, client address) and per user name (client ``""``),
incremented by one upsert before a password is checked. rate_limit_counters: fixed-window hit counts shared by
every worker on PostgreSQL when Redis is not configured. staff_accounts gains the TOTP second factor (secret,
enabled, last time step used) and the hashes of its unused recovery codes.

Revision ID: 8b3f1c2d4e56
Revises: 84803a96b9dd
Create Date: 2026-12-07 06:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b3f1c2d4e56"
down_revision: str | None = "84803a96b9dd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=45), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", "client", name=op.f("pk_login_throttles")),
    )
    op.create_table(
        "rate_limit_counters",
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "key", "slot", name=op.f("pk_rate_limit_counters")),
    )


    # ALTER TABLE … ADD / DROP COLUMN, never a copy of the table: on SQLite, dropping and recreating staff_accounts
    # would cascade to the rows that reference it (scopes, sessions).
    with op.batch_alter_table("staff_accounts", recreate="never") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("totp_enabled", sa.Boolean(), server_default="0", nullable=False))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("recovery_codes", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff_accounts", recreate="never") as batch:
        for column in ("recovery_codes", "totp_last_step", "totp_enabled", "totp_secret"):
            batch.drop_column(column)
    op.drop_table("rate_limit_counters")
    op.drop_table("login_throttles")
