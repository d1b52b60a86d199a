"""add_secure_aggregation_privacy_models

Revision ID: 009_add_secure_aggregation_privacy_models
Revises: 008_add_federated_evaluation_models
Create Date: 2025-01-14 16:19:33.281774

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '009_add_secure_aggregation_privacy_models'
down_revision: Union[str, None] = '008_add_federated_evaluation_models'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "privacy_budgets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("node_id", sa.Integer(), sa.ForeignKey("federated_nodes.id")),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=False),
        sa.Column("consumed_epsilon", sa.Float(), server_default="0", nullable=False),
    )
    op.create_table(
        "secure_aggregations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evaluation_id", sa.Integer(), sa.ForeignKey("federated_evaluations.id")),
        sa.Column("method", sa.String(length=50), nullable=False),
        sa.Column("aggregated_result", sa.JSON(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("secure_aggregations")
    op.drop_table("privacy_budgets")
