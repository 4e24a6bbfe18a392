"""holiday schedules and road graph

holiday_schedules: one loaded holiday-schedule file per year (kit.calendar).
road_graph_imports / road_nodes / road_edges: the OpenStreetMap road graph (service_map.routing).

Revision ID: ee555e68a549
Revises: 27402ce6db37
Create Date: 2026-11-29 05:01:22.378535
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'ee555e68a549'
down_revision: str | None = '27402ce6db37'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('holiday_schedules',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('workdays', sa.JSON(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_schedules'))
    )
    op.create_table('road_graph_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.Text(), nullable=False),
    sa.Column('source_format', sa.String(length=10), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('way_count', sa.Integer(), nullable=False),
    sa.Column('node_count', sa.Integer(), nullable=False),
    sa.Column('edge_count', sa.Integer(), nullable=False),
    sa.Column('min_lat', sa.Float(), nullable=False),
    sa.Column('min_lng', sa.Float(), nullable=False),
    sa.Column('max_lat', sa.Float(), nullable=False),
    sa.Column('max_lng', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_road_graph_imports'))
    )
    op.create_table('road_nodes',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lng', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_road_nodes'))
    )
    op.create_table('road_edges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_node_id', sa.BigInteger(), nullable=False),
    sa.Column('target_node_id', sa.BigInteger(), nullable=False),
    sa.Column('way_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('highway', sa.String(length=40), nullable=False),
    sa.Column('length_m', sa.Float(), nullable=False),
    sa.Column('walk_cost_s', sa.Float(), nullable=True),
    sa.Column('drive_cost_s', sa.Float(), nullable=True),
    sa.Column('drive_reverse_cost_s', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['source_node_id'], ['road_nodes.id'], name=op.f('fk_road_edges_source_node_id_road_nodes')),
    sa.ForeignKeyConstraint(['target_node_id'], ['road_nodes.id'], name=op.f('fk_road_edges_target_node_id_road_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_road_edges'))
    )
    with op.batch_alter_table('road_edges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_road_edges_source_node_id'), ['source_node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_road_edges_target_node_id'), ['target_node_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('road_edges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_road_edges_target_node_id'))
        batch_op.drop_index(batch_op.f('ix_road_edges_source_node_id'))

    op.drop_table('road_edges')
    op.drop_table('road_nodes')
    op.drop_table('road_graph_imports')
    op.drop_table('holiday_schedules')
