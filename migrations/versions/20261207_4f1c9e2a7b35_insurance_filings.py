"""insurance filings (异地就医备案) and their documents

insurance_filings: one row per filing of a member for treatment in another region: category, treatment place,
validity, admission date when filed before discharge, documents given, status (active / cancelled / replaced).
insurance_filing_documents: the files uploaded for a filing (PDF / JPEG / PNG, kind, size, digest, content).

Revision ID: 4f1c9e2a7b35
Revises: 5e1d0c3b7a92
Create Date: 2026-12-07 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f1c9e2a7b35"
down_revision: str | None = "5e1d0c3b7a92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insurance_filings",
        sa.Column("filing_id", sa.String(length=32), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("mdtrtarea_admvs", sa.String(length=6), nullable=False),
        sa.Column("begin_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("admission_date", sa.Date(), nullable=True),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("replaced_by", sa.String(length=32), nullable=True),
        sa.Column("dcla_souc", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["psn_no"], ["insurance_members.psn_no"], name=op.f("fk_insurance_filings_psn_no_insurance_members")
        ),
        sa.PrimaryKeyConstraint("filing_id", name=op.f("pk_insurance_filings")),
    )
    with op.batch_alter_table("insurance_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_filings_psn_no"), ["psn_no"], unique=False)
    op.create_table(
        "insurance_filing_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("filing_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["insurance_filings.filing_id"],
            name=op.f("fk_insurance_filing_documents_filing_id_insurance_filings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_filing_documents")),
    )
    with op.batch_alter_table("insurance_filing_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_filing_documents_filing_id"), ["filing_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("insurance_filing_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_filing_documents_filing_id"))
    op.drop_table("insurance_filing_documents")
    with op.batch_alter_table("insurance_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_filings_psn_no"))
    op.drop_table("insurance_filings")
