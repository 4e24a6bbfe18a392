"""staff account scopes

staff_account_scopes: an account's limits as (kind, value) pairs whose kinds the installed domains declare.
The service map's ``district_code`` / ``department_code`` columns of staff_accounts become the scope kinds
``district`` / ``department`` (data copied), and the columns are dropped.

Revision ID: 5c0a7e3d9b14
Revises: 915258328534
Create Date: 2026-12-02 18:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0a7e3d9b14"
down_revision: str | None = "915258328534"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"district": "district_code", "department": "department_code"}


def upgrade() -> None:
    op.create_table(
        "staff_account_scopes",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_account_scopes_account_id_staff_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "kind", name=op.f("pk_staff_account_scopes")),
    )
    for kind, column in COLUMNS.items():
        op.execute(
            f"INSERT INTO staff_account_scopes (account_id, kind, value) "
            f"SELECT id, '{kind}', {column} FROM staff_accounts WHERE {column} IS NOT NULL AND {column} <> ''"
        )
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), never a copy of the table: on SQLite, dropping and recreating
    # staff_accounts would cascade to the rows that reference it (these scopes, sessions, version authors).
    with op.batch_alter_table("staff_accounts", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("department_code")
        batch_op.drop_column("district_code")


def downgrade() -> None:
    with op.batch_alter_table("staff_accounts", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("district_code", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("department_code", sa.String(length=64), nullable=True))
    for kind, column in COLUMNS.items():
        op.execute(
            f"UPDATE staff_accounts SET {column} = (SELECT value FROM staff_account_scopes "
            f"WHERE staff_account_scopes.account_id = staff_accounts.id AND kind = '{kind}')"
        )
    op.drop_table("staff_account_scopes")
