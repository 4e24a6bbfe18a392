"""insurance video files and agent skills

insurance_video_files: the files a member shows during a video session, kept with the session;
insurance_video_agent_skills: the business items each agent handles (the queue offers sessions by skill).

Revision ID: 4f8a2c6e1b37
Revises: e3a9c5f17b24
Create Date: 2026-12-07 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f8a2c6e1b37"
down_revision: str | None = "e3a9c5f17b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insurance_video_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sender", sa.String(length=6), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["insurance_video_sessions.id"],
            name=op.f("fk_insurance_video_files_session_id_insurance_video_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_video_files")),
    )
    with op.batch_alter_table("insurance_video_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_video_files_session_id"), ["session_id"], unique=False)
    op.create_table(
        "insurance_video_agent_skills",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_video_agent_skills")),
        sa.UniqueConstraint("account_id", "skill", name=op.f("uq_insurance_video_agent_skills_account_id_skill")),
    )
    with op.batch_alter_table("insurance_video_agent_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_video_agent_skills_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("insurance_video_agent_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_video_agent_skills_account_id"))
    op.drop_table("insurance_video_agent_skills")
    with op.batch_alter_table("insurance_video_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_video_files_session_id"))
    op.drop_table("insurance_video_files")
