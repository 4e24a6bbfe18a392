"""insurance drug catalogue

The national drug catalogue (2024): insurance_drugs, insurance_herbal_pieces, insurance_drug_rules (NHSA rule
library) with insurance_drug_products (national drug codes split into segments), and insurance_consumables
(27-character consumables codes split into class part and specification).

Revision ID: 7b3f1c9e2a40
Revises: 5c0a7e3d9b14
Create Date: 2026-12-07 06:28:58.457280
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b3f1c9e2a40"
down_revision: str | None = "5c0a7e3d9b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insurance_consumables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=27), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("class_part", sa.String(length=20), nullable=False),
        sa.Column("group_code", sa.String(length=15), nullable=False),
        sa.Column("maker_code", sa.String(length=5), nullable=False),
        sa.Column("spec_code", sa.String(length=7), nullable=False),
        sa.Column("specification", sa.Text(), nullable=False),
        sa.Column("maker_name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_consumables")),
        sa.UniqueConstraint("code", name=op.f("uq_insurance_consumables_code")),
    )
    with op.batch_alter_table("insurance_consumables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_consumables_class_part"), ["class_part"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_consumables_group_code"), ["group_code"], unique=False)

    op.create_table(
        "insurance_drugs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("category_l1_code", sa.String(length=8), nullable=False),
        sa.Column("category_l1_name", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(length=12), nullable=False),
        sa.Column("category_name", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("is_repeat_entry", sa.Boolean(), nullable=False),
        sa.Column("insurance_class", sa.String(length=1), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("dosage_form", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("payment_standard", sa.Text(), nullable=False),
        sa.Column("agreement_period", sa.Text(), nullable=False),
        sa.Column("agreement_start", sa.Date(), nullable=True),
        sa.Column("agreement_end", sa.Date(), nullable=True),
        sa.Column("negotiated", sa.Boolean(), nullable=False),
        sa.Column("source_page", sa.Integer(), nullable=False),
        sa.Column("pinyin", sa.Text(), nullable=False),
        sa.Column("initials", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_drugs")),
        sa.UniqueConstraint("code", name=op.f("uq_insurance_drugs_code")),
    )
    with op.batch_alter_table("insurance_drugs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_drugs_category_code"), ["category_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_drugs_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_drugs_section"), ["section"], unique=False)

    op.create_table(
        "insurance_herbal_pieces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("not_payable_when_used_alone", sa.Boolean(), nullable=False),
        sa.Column("pinyin", sa.Text(), nullable=False),
        sa.Column("initials", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_herbal_pieces")),
        sa.UniqueConstraint("number", name=op.f("uq_insurance_herbal_pieces_number")),
    )
    with op.batch_alter_table("insurance_herbal_pieces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_herbal_pieces_name"), ["name"], unique=False)

    op.create_table(
        "insurance_drug_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=8), nullable=False),
        sa.Column("generic_name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rule_type", sa.String(length=16), nullable=False),
        sa.Column("restricted_to", sa.Text(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("drug_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["drug_id"],
            ["insurance_drugs.id"],
            name=op.f("fk_insurance_drug_rules_drug_id_insurance_drugs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_drug_rules")),
    )
    with op.batch_alter_table("insurance_drug_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_drug_rules_drug_id"), ["drug_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_drug_rules_generic_name"), ["generic_name"], unique=False)

    op.create_table(
        "insurance_drug_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=23), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("class_code", sa.String(length=5), nullable=False),
        sa.Column("generic_code", sa.String(length=5), nullable=False),
        sa.Column("form_code", sa.String(length=4), nullable=False),
        sa.Column("spec_code", sa.String(length=2), nullable=False),
        sa.Column("pack_code", sa.String(length=2), nullable=False),
        sa.Column("maker_code", sa.String(length=5), nullable=False),
        sa.Column("identity", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["insurance_drug_rules.id"],
            name=op.f("fk_insurance_drug_products_rule_id_insurance_drug_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_drug_products")),
    )
    with op.batch_alter_table("insurance_drug_products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_drug_products_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_drug_products_identity"), ["identity"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_drug_products_rule_id"), ["rule_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("insurance_drug_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_drug_products_rule_id"))
        batch_op.drop_index(batch_op.f("ix_insurance_drug_products_identity"))
        batch_op.drop_index(batch_op.f("ix_insurance_drug_products_code"))

    op.drop_table("insurance_drug_products")
    with op.batch_alter_table("insurance_drug_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_drug_rules_generic_name"))
        batch_op.drop_index(batch_op.f("ix_insurance_drug_rules_drug_id"))

    op.drop_table("insurance_drug_rules")
    with op.batch_alter_table("insurance_herbal_pieces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_herbal_pieces_name"))

    op.drop_table("insurance_herbal_pieces")
    with op.batch_alter_table("insurance_drugs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_drugs_section"))
        batch_op.drop_index(batch_op.f("ix_insurance_drugs_name"))
        batch_op.drop_index(batch_op.f("ix_insurance_drugs_category_code"))

    op.drop_table("insurance_drugs")
    with op.batch_alter_table("insurance_consumables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_consumables_group_code"))
        batch_op.drop_index(batch_op.f("ix_insurance_consumables_class_part"))

    op.drop_table("insurance_consumables")
