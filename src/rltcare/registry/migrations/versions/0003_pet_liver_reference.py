"""PET liver reference per imaging assessment (PERCIST 1.0 measurability and quality gate).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite rebuilds the table, PostgreSQL alters it in place; rows are kept
    with op.batch_alter_table("imaging_assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liver_sul_mean", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("liver_sul_sd", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imaging_assessment", schema=None) as batch_op:
        batch_op.drop_column("liver_sul_sd")
        batch_op.drop_column("liver_sul_mean")
