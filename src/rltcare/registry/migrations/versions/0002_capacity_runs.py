"""Stored capacity-planner runs (not patient data: neither versioned nor audited).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capacity_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("scenario_title", sa.String(length=200), nullable=False),
        sa.Column("scenario_toml", sa.Text(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("kpis", sa.JSON(), nullable=True),
        sa.Column("replication_kpis", sa.JSON(), nullable=True),
        sa.Column("report_html", sa.Text(), nullable=True),
        sa.Column("software_version", sa.String(length=80), nullable=False),
        sa.Column("catalog_version", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_run")),
    )
    op.create_index(op.f("ix_capacity_run_created_at"), "capacity_run", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_capacity_run_created_at"), table_name="capacity_run")
    op.drop_table("capacity_run")
