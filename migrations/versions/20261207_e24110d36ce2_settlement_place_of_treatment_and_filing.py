"""settlement place of treatment and filing

insurance_settlements: a settlement at a place of treatment elsewhere keeps the place (mdtrtarea_admvs) and which
filing was in force (filing_status: filed, emergency, unfiled; filing_id when filed). Settlements stored before
have none.

Revision ID: e24110d36ce2
Revises: 4940175986c7
Create Date: 2026-12-07 13:16:59
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e24110d36ce2'
down_revision: str | None = '4940175986c7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('insurance_settlements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mdtrtarea_admvs', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('filing_status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('filing_id', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_insurance_settlements_filing_id'), ['filing_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('insurance_settlements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurance_settlements_filing_id'))
        batch_op.drop_column('filing_id')
        batch_op.drop_column('filing_status')
        batch_op.drop_column('mdtrtarea_admvs')

