"""citizen accounts and sessions

citizen_accounts: a citizen's sign-in bound to an ID number (keyed hash, ciphertext, masked form);
citizen_sessions: their sessions, apart from staff sessions.

Revision ID: 3c1f2a9b7d40
Revises: 4f1c9e2a7b35
Create Date: 2026-12-07 09:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c1f2a9b7d40"
down_revision: str | None = "4f1c9e2a7b35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "citizen_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("id_cipher", sa.String(length=120), nullable=False),
        sa.Column("id_masked", sa.String(length=18), nullable=False),
        sa.Column("name_masked", sa.String(length=50), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_accounts")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_citizen_accounts_id_hash")),
    )
    op.create_table(
        "citizen_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizen_accounts.id"],
            name=op.f("fk_citizen_sessions_citizen_id_citizen_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_sessions")),
    )
    with op.batch_alter_table("citizen_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_sessions_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizen_sessions_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("citizen_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_citizen_sessions_citizen_id"))
    op.drop_table("citizen_sessions")
    op.drop_table("citizen_accounts")
