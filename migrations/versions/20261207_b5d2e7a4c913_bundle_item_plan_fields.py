"""bundle item plan fields

bundle_items: how a step belongs to its bundle's plan (kind, choice_group, condition) and the documents it
hands to the citizen (produces).

Revision ID: b5d2e7a4c913
Revises: 7e4b9c2d1a58
Create Date: 2026-12-07 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b5d2e7a4c913"
down_revision: str | None = "7e4b9c2d1a58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bundle_items") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), server_default="step", nullable=False))
        batch.add_column(sa.Column("choice_group", sa.String(length=100), server_default="", nullable=False))
        batch.add_column(sa.Column("condition", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("produces", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("bundle_items") as batch:
        batch.drop_column("produces")
        batch.drop_column("condition")
        batch.drop_column("choice_group")
        batch.drop_column("kind")
