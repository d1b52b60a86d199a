"""add_mab_optimization_tables

Revision ID: 006_add_mab_optimization_tables
Revises: 005_fix_refresh_token_length
Create Date: 2025-01-10 09:27:53.668402

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '006_add_mab_optimization_tables'
down_revision: Union[str, None] = '005_fix_refresh_token_length'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "prompt_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=255), nullable=False, unique=True),
        sa.Column("template_text", sa.Text(), nullable=False),
    )
    op.create_table(
        "mab_arm_statistics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("template_id", sa.Integer(), sa.ForeignKey("prompt_templates.id")),
        sa.Column("pulls", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reward_sum", sa.Float(), server_default="0", nullable=False),
        sa.Column("alpha", sa.Float(), server_default="1"),
        sa.Column("beta", sa.Float(), server_default="1"),
    )


def downgrade() -> None:
    op.drop_table("mab_arm_statistics")
    op.drop_table("prompt_templates")
