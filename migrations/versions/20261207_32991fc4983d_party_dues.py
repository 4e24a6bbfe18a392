"""party dues

party_dues: the monthly dues ledger per member (whole fen), 2008 rules.

Revision ID: 32991fc4983d
Revises: decdd1c936c6
Create Date: 2026-12-07 06:39:41.781363
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '32991fc4983d'
down_revision: str | None = 'decdd1c936c6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('party_dues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('base_fen', sa.Integer(), nullable=True),
    sa.Column('due_fen', sa.Integer(), nullable=False),
    sa.Column('paid_fen', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=8), nullable=True),
    sa.Column('approval', sa.String(length=100), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['party_members.id'], name=op.f('fk_party_dues_member_id_party_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_dues')),
    sa.UniqueConstraint('member_id', 'month', name=op.f('uq_party_dues_member_id_month'))
    )
    with op.batch_alter_table('party_dues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_dues_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_dues_month'), ['month'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('party_dues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_dues_month'))
        batch_op.drop_index(batch_op.f('ix_party_dues_member_id'))

    op.drop_table('party_dues')
