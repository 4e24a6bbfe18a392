"""staff sessions remember when their account last proved its credentials

staff_sessions gains reauthenticated_at: set at sign-in and by each re-authentication (password, plus the second
factor when enrolled). Creating accounts, changing roles and scopes, resetting a colleague's second factor and
reading personal data in full are allowed only shortly after it.

Revision ID: 5e1d0c3b7a92
Revises: 5e1d7c3a9b20
Create Date: 2026-12-07 09:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1d0c3b7a92"
down_revision: str | None = "5e1d7c3a9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reauthenticated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_column("reauthenticated_at")
