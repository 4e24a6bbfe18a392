"""party activities attendance minutes and reviews

Party Day plans and their participants, attendance (sign-in, leave, make-up), minutes, self-checks and the
upper committees' comments.

Revision ID: c82d755b38bf
Revises: f805398e1e28
Create Date: 2026-12-07 06:34:08.291404
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c82d755b38bf'
down_revision: str | None = 'f805398e1e28'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('party_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=100), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.Column('own_contents', sa.JSON(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('counts_as', sa.JSON(), nullable=False),
    sa.Column('lecturer_id', sa.Integer(), nullable=True),
    sa.Column('invited_count', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['party_organisations.id'], name=op.f('fk_party_activities_branch_id_party_organisations')),
    sa.ForeignKeyConstraint(['lecturer_id'], ['party_members.id'], name=op.f('fk_party_activities_lecturer_id_party_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_activities'))
    )
    with op.batch_alter_table('party_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_activities_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_activities_starts_at'), ['starts_at'], unique=False)

    op.create_table('party_activity_participants',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_activity_participants_activity_id_party_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['party_members.id'], name=op.f('fk_party_activity_participants_member_id_party_members')),
    sa.PrimaryKeyConstraint('activity_id', 'member_id', name=op.f('pk_party_activity_participants'))
    )
    with op.batch_alter_table('party_activity_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_activity_participants_member_id'), ['member_id'], unique=False)

    op.create_table('party_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('how', sa.String(length=8), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_attendance_activity_id_party_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['party_members.id'], name=op.f('fk_party_attendance_member_id_party_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_attendance')),
    sa.UniqueConstraint('activity_id', 'member_id', name=op.f('uq_party_attendance_activity_id_member_id'))
    )
    with op.batch_alter_table('party_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_attendance_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_attendance_member_id'), ['member_id'], unique=False)

    op.create_table('party_minutes',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('recorder_id', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('absent', sa.Integer(), nullable=False),
    sa.Column('absences', sa.JSON(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('resolutions', sa.JSON(), nullable=False),
    sa.Column('follow_up', sa.JSON(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_minutes_activity_id_party_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_id'], ['party_members.id'], name=op.f('fk_party_minutes_host_id_party_members')),
    sa.ForeignKeyConstraint(['recorder_id'], ['party_members.id'], name=op.f('fk_party_minutes_recorder_id_party_members')),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_party_minutes'))
    )
    op.create_table('party_review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_review_comments_activity_id_party_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['party_organisations.id'], name=op.f('fk_party_review_comments_organisation_id_party_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_review_comments'))
    )
    with op.batch_alter_table('party_review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_review_comments_activity_id'), ['activity_id'], unique=False)

    op.create_table('party_self_checks',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['party_activities.id'], name=op.f('fk_party_self_checks_activity_id_party_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_party_self_checks'))
    )


def downgrade() -> None:
    op.drop_table('party_self_checks')
    with op.batch_alter_table('party_review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_review_comments_activity_id'))

    op.drop_table('party_review_comments')
    op.drop_table('party_minutes')
    with op.batch_alter_table('party_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_attendance_member_id'))
        batch_op.drop_index(batch_op.f('ix_party_attendance_activity_id'))

    op.drop_table('party_attendance')
    with op.batch_alter_table('party_activity_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_activity_participants_member_id'))

    op.drop_table('party_activity_participants')
    with op.batch_alter_table('party_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_activities_starts_at'))
        batch_op.drop_index(batch_op.f('ix_party_activities_branch_id'))

    op.drop_table('party_activities')
