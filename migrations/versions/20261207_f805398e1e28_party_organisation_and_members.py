"""party organisation and members

party_organisations (the tree: city → district → committee → general branch → branch → group, with the
seven branch kinds and a materialised path of ids for subtree scopes) and party_members (masked personal data).

Revision ID: f805398e1e28
Revises: 7b3e1f0a2c58
Create Date: 2026-12-07 06:28:34.470098
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "f805398e1e28"
down_revision: str | None = "7b3e1f0a2c58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "party_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["party_organisations.id"], name=op.f("fk_party_organisations_parent_id_party_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_organisations")),
        sa.UniqueConstraint("code", name=op.f("uq_party_organisations_code")),
    )
    with op.batch_alter_table("party_organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_organisations_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_organisations_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_organisations_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_organisations_path"), ["path"], unique=False)

    op.create_table(
        "party_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("full_on", sa.Date(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("flowing", sa.String(length=8), nullable=False),
        sa.Column("flowing_note", sa.String(length=100), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["party_organisations.id"], name=op.f("fk_party_members_branch_id_party_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["party_organisations.id"], name=op.f("fk_party_members_group_id_party_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_members")),
        sa.UniqueConstraint("id_number", name=op.f("uq_party_members_id_number")),
    )
    with op.batch_alter_table("party_members", schema=None) as batch_op:
        batch_op.create_index("ix_party_members_branch_status", ["branch_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_members_group_id"), ["group_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("party_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_members_group_id"))
        batch_op.drop_index("ix_party_members_branch_status")

    op.drop_table("party_members")
    with op.batch_alter_table("party_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_organisations_path"))
        batch_op.drop_index(batch_op.f("ix_party_organisations_parent_id"))
        batch_op.drop_index(batch_op.f("ix_party_organisations_level"))
        batch_op.drop_index(batch_op.f("ix_party_organisations_kind"))

    op.drop_table("party_organisations")
