"""party meetings

party_meetings: 三会一课 and other organisational life held apart from a Party Day (compliance calendar).

Revision ID: decdd1c936c6
Revises: c82d755b38bf
Create Date: 2026-12-07 06:38:05.656943
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'decdd1c936c6'
down_revision: str | None = 'c82d755b38bf'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('party_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['party_organisations.id'], name=op.f('fk_party_meetings_branch_id_party_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_meetings'))
    )
    with op.batch_alter_table('party_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_meetings_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_meetings_held_at'), ['held_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('party_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_meetings_held_at'))
        batch_op.drop_index(batch_op.f('ix_party_meetings_branch_id'))

    op.drop_table('party_meetings')
