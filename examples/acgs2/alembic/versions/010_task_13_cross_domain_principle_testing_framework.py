"""task_13_cross_domain_principle_testing_framework

Revision ID: 010_task_13_cross_domain_testing
Revises: 009_add_secure_aggregation_privacy_models
Create Date: 2025-01-15 12:55:09.736650

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '010_task_13_cross_domain_testing'
down_revision: Union[str, None] = '009_add_secure_aggregation_privacy_models'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "domain_contexts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("domain_name", sa.String(length=100), nullable=False, unique=True),
        sa.Column("regulatory_frameworks", sa.JSON(), nullable=True),
    )
    op.create_table(
        "cross_domain_test_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("principle_id", sa.Integer(), sa.ForeignKey("principles.id")),
        sa.Column("domain_id", sa.Integer(), sa.ForeignKey("domain_contexts.id")),
        sa.Column("is_consistent", sa.Boolean(), nullable=False),
        sa.Column("conflict_details", sa.JSON(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("cross_domain_test_results")
    op.drop_table("domain_contexts")
