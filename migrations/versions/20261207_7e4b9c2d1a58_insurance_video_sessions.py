"""insurance video sessions

insurance_video_sessions: a member's video-handling request, the agent who took it and its outcome;
insurance_video_signals: the WebRTC signalling messages between the two sides.

Revision ID: 7e4b9c2d1a58
Revises: 3c1f2a9b7d40
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e4b9c2d1a58"
down_revision: str | None = "3c1f2a9b7d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insurance_video_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("citizen_masked", sa.String(length=18), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recording", sa.Boolean(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_video_sessions")),
    )
    with op.batch_alter_table("insurance_video_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_video_sessions_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_insurance_video_sessions_queue", ["status", "skill", "created_at"], unique=False)
    op.create_table(
        "insurance_video_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("sender", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["insurance_video_sessions.id"],
            name=op.f("fk_insurance_video_signals_session_id_insurance_video_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_video_signals")),
    )
    with op.batch_alter_table("insurance_video_signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_video_signals_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("insurance_video_signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_video_signals_session_id"))
    op.drop_table("insurance_video_signals")
    with op.batch_alter_table("insurance_video_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_insurance_video_sessions_queue")
        batch_op.drop_index(batch_op.f("ix_insurance_video_sessions_citizen_id"))
    op.drop_table("insurance_video_sessions")
