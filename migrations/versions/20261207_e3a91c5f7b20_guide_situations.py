"""guide situations

guides: the plain-language situations in which an item is needed (适用情形), a list of short texts.

Revision ID: e3a91c5f7b20
Revises: 4f8a2c6e1b37
Create Date: 2026-12-07 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3a91c5f7b20"
down_revision: str | None = "4f8a2c6e1b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guides") as batch:
        batch.add_column(sa.Column("situations", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("guides") as batch:
        batch.drop_column("situations")
