"""insurance settlement adjustments

insurance_settlement_adjustments: the differences found by re-settling a year and applied (补付 / 追回), each linked
to the settlement it corrects, with the change to the annual counters and the personal account.

Revision ID: e3a9c5f17b24
Revises: b5d2e7a4c913
Create Date: 2026-12-07 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3a9c5f17b24"
down_revision: str | None = "b5d2e7a4c913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insurance_settlement_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("setl_id", sa.String(length=32), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("fund_pay_diff", sa.Numeric(14, 2), nullable=False),
        sa.Column("psn_part_diff", sa.Numeric(14, 2), nullable=False),
        sa.Column("acct_pay_diff", sa.Numeric(14, 2), nullable=False),
        sa.Column("cash_pay_diff", sa.Numeric(14, 2), nullable=False),
        sa.Column("delta", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["psn_no"], ["insurance_members.psn_no"]),
        sa.ForeignKeyConstraint(["setl_id"], ["insurance_settlements.setl_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_insurance_settlement_adjustments_setl_id", "insurance_settlement_adjustments", ["setl_id"])
    op.create_index("ix_insurance_settlement_adjustments_psn_no", "insurance_settlement_adjustments", ["psn_no"])


def downgrade() -> None:
    op.drop_index("ix_insurance_settlement_adjustments_psn_no", table_name="insurance_settlement_adjustments")
    op.drop_index("ix_insurance_settlement_adjustments_setl_id", table_name="insurance_settlement_adjustments")
    op.drop_table("insurance_settlement_adjustments")
