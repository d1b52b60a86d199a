"""add_violation_detection_tables

Revision ID: add_violation_detection_tables
Revises: 
Create Date: 2025-01-16 09:33:57.118209

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = 'add_violation_detection_tables'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "constitutional_violations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("violation_type", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("principle_id", sa.Integer(), sa.ForeignKey("principles.id")),
        sa.Column("detection_confidence", sa.Float(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index(
        "ix_constitutional_violations_severity", "constitutional_violations", ["severity"]
    )


def downgrade() -> None:
    op.drop_index("ix_constitutional_violations_severity", table_name="constitutional_violations")
    op.drop_table("constitutional_violations")
