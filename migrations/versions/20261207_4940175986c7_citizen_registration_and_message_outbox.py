"""citizen registration and message outbox

citizen_phone_codes: one-time codes (hashed) sent to a mobile number; citizen_accounts gain the verified phone
(keyed hash and masked form); outbox_messages: outgoing messages kept for a gateway.

Revision ID: 4940175986c7
Revises: dd986355f1b2
Create Date: 2026-12-07 13:04:29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '4940175986c7'
down_revision: str | None = "dd986355f1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('citizen_phone_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('subject_hash', sa.String(length=64), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_phone_codes'))
    )
    with op.batch_alter_table('citizen_phone_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_phone_codes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_phone_codes_ip'), ['ip'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_phone_codes_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_phone_codes_subject_hash'), ['subject_hash'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=20), nullable=False),
    sa.Column('recipient_masked', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('body', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('citizen_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_masked', sa.String(length=20), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('citizen_accounts', schema=None) as batch_op:
        batch_op.drop_column('phone_masked')
        batch_op.drop_column('phone_hash')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_created_at'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('citizen_phone_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_phone_codes_subject_hash'))
        batch_op.drop_index(batch_op.f('ix_citizen_phone_codes_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_citizen_phone_codes_ip'))
        batch_op.drop_index(batch_op.f('ix_citizen_phone_codes_created_at'))

    op.drop_table('citizen_phone_codes')
