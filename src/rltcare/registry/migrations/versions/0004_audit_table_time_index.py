"""An index on the audit log by table and time, for the API's ``updated_since`` filter.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_table_name_at", "audit_log", ["table_name", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_table_name_at", table_name="audit_log")
