"""party case nominations

party_case_nominations: Party Days recommended for the annual case selection, scored up the hierarchy.

Revision ID: 84803a96b9dd
Revises: 32991fc4983d
Create Date: 2026-12-07 07:12:20.531941
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '84803a96b9dd'
down_revision: str | None = '32991fc4983d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('party_case_nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('nominated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_case_nominations_activity_id_party_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_case_nominations')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_party_case_nominations_activity_id'))
    )
    with op.batch_alter_table('party_case_nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_case_nominations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_case_nominations_year'), ['year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('party_case_nominations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_case_nominations_year'))
        batch_op.drop_index(batch_op.f('ix_party_case_nominations_status'))

    op.drop_table('party_case_nominations')
