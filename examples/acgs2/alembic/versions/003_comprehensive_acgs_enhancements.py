"""comprehensive_acgs_enhancements

Revision ID: 003_acgs_enhancements
Revises: 002_enhance_rls
Create Date: 2024-12-11 17:25:36.640215

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '003_acgs_enhancements'
down_revision: Union[str, None] = '002_enhance_rls'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "policy_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule_content", sa.Text(), nullable=False),
        sa.Column("source_principle_ids", sa.JSON(), nullable=True),
        sa.Column("verification_status", sa.String(length=50), server_default="pending"),
    )
    op.create_table(
        "audit_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("audit_logs")
    op.drop_table("policy_rules")
