"""add_federated_evaluation_models

Revision ID: 008_add_federated_evaluation_models
Revises: 007_phase3_z3_integration
Create Date: 2025-01-13 10:02:48.904321

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '008_add_federated_evaluation_models'
down_revision: Union[str, None] = '007_phase3_z3_integration'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "federated_nodes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("node_url", sa.String(length=500), nullable=False, unique=True),
        sa.Column("platform_type", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active"),
    )
    op.create_table(
        "federated_evaluations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("node_id", sa.Integer(), sa.ForeignKey("federated_nodes.id")),
        sa.Column("policy_content", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("federated_evaluations")
    op.drop_table("federated_nodes")
