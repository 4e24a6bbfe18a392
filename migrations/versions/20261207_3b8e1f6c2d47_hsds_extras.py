"""hsds extras

hsds_extras: the HSDS fields of an imported organization, service, location or service_at_location that our
model has no place for, kept per record (kind, key) so that the HSDS export writes them back.

Revision ID: 3b8e1f6c2d47
Revises: 7b3f1c9e2a40
Create Date: 2026-12-07 07:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8e1f6c2d47"
down_revision: str | None = "7b3f1c9e2a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hsds_extras",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_extras")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_hsds_extras_kind_key")),
    )


def downgrade() -> None:
    op.drop_table("hsds_extras")
