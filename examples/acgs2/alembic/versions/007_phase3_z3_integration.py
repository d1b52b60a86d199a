"""phase3_z3_integration

Revision ID: 007_phase3_z3_integration
Revises: 006_add_mab_optimization_tables
Create Date: 2025-01-12 18:40:11.557036

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '007_phase3_z3_integration'
down_revision: Union[str, None] = '006_add_mab_optimization_tables'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "formal_verification_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("policy_rule_id", sa.Integer(), sa.ForeignKey("policy_rules.id")),
        sa.Column("solver", sa.String(length=20), server_default="z3", nullable=False),
        sa.Column("satisfiable", sa.Boolean(), nullable=True),
        sa.Column("counter_example", sa.JSON(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("formal_verification_results")
