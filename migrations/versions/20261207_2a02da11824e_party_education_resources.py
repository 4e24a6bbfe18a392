"""party education resources

party_edu_resources, party_study_records, party_activity_resources: the education resource library, members' study
records and the resources of a Party Day plan.

Revision ID: 2a02da11824e
Revises: 8b3f1c2d4e56
Create Date: 2026-12-07 08:02:38.588530
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '2a02da11824e'
down_revision: str | None = '8b3f1c2d4e56'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('party_edu_resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.Column('branch_kinds', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_edu_resources'))
    )
    with op.batch_alter_table('party_edu_resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_edu_resources_kind'), ['kind'], unique=False)

    op.create_table('party_study_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=True),
    sa.Column('studied_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['party_members.id'], name=op.f('fk_party_study_records_member_id_party_members')),
    sa.ForeignKeyConstraint(['resource_id'], ['party_edu_resources.id'], name=op.f('fk_party_study_records_resource_id_party_edu_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_study_records'))
    )
    with op.batch_alter_table('party_study_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_study_records_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_study_records_resource_id'), ['resource_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_study_records_studied_on'), ['studied_on'], unique=False)

    op.create_table('party_activity_resources',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_activity_resources_activity_id_party_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['party_edu_resources.id'], name=op.f('fk_party_activity_resources_resource_id_party_edu_resources')),
    sa.PrimaryKeyConstraint('activity_id', 'resource_id', name=op.f('pk_party_activity_resources'))
    )
    with op.batch_alter_table('party_activity_resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_activity_resources_resource_id'), ['resource_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('party_activity_resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_activity_resources_resource_id'))

    op.drop_table('party_activity_resources')
    with op.batch_alter_table('party_study_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_study_records_studied_on'))
        batch_op.drop_index(batch_op.f('ix_party_study_records_resource_id'))
        batch_op.drop_index(batch_op.f('ix_party_study_records_member_id'))

    op.drop_table('party_study_records')
    with op.batch_alter_table('party_edu_resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_edu_resources_kind'))

    op.drop_table('party_edu_resources')
