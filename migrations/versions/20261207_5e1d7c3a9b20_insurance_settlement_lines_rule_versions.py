"""insurance: settlement lines and claim header, rule row versions

insurance_settlement_lines: each settlement's claim lines as sent and how each split, so that a year can be
settled again after a rule change. insurance_settlements gains the claim header the engine used (hospital level,
personal-account use, treatment elsewhere). insurance_rules gains a version number (If-Match for staff edits)
and insurance_rule_versions keeps every row as it stood after each change, with the changed fields.

Revision ID: 5e1d7c3a9b20
Revises: 61db54f12d38
Create Date: 2026-12-07 09:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5e1d7c3a9b20'
down_revision: str | None = '61db54f12d38'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('insurance_settlement_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('setl_id', sa.String(length=32), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('chrgitm_lv', sa.String(length=2), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('price_limit', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('selfpay_prop', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('det_item_fee_sumamt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('fulamt_ownpay_amt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('overlmt_selfpay', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('preselfpay_amt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('inscp_scp_amt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['setl_id'], ['insurance_settlements.setl_id'], name=op.f('fk_insurance_settlement_lines_setl_id_insurance_settlements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_settlement_lines'))
    )
    with op.batch_alter_table('insurance_settlement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insurance_settlement_lines_setl_id'), ['setl_id'], unique=False)

    with op.batch_alter_table('insurance_settlements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hosp_lv', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('use_account', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('elsewhere', sa.String(length=10), nullable=True))

    op.create_table('insurance_rule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_rule_versions')),
    sa.UniqueConstraint('rule_id', 'version', name=op.f('uq_insurance_rule_versions_rule_id_version'))
    )
    with op.batch_alter_table('insurance_rule_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insurance_rule_versions_rule_id'), ['rule_id'], unique=False)

    with op.batch_alter_table('insurance_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('insurance_rules', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('insurance_rule_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurance_rule_versions_rule_id'))
    op.drop_table('insurance_rule_versions')
    with op.batch_alter_table('insurance_settlements', schema=None) as batch_op:
        batch_op.drop_column('elsewhere')
        batch_op.drop_column('use_account')
        batch_op.drop_column('hosp_lv')
    with op.batch_alter_table('insurance_settlement_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurance_settlement_lines_setl_id'))
    op.drop_table('insurance_settlement_lines')
