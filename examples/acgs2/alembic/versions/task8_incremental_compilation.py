"""task8_incremental_compilation

Revision ID: task8_incremental_compilation
Revises: i4j5k6l7m8n9
Create Date: 2025-01-16 15:08:24.590375

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = 'task8_incremental_compilation'
down_revision: Union[str, None] = 'i4j5k6l7m8n9'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "policy_compilation_cache",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("policy_id", sa.Integer(), sa.ForeignKey("policies.id")),
        sa.Column("content_hash", sa.String(length=64), nullable=False, index=True),
        sa.Column("compiled_rego", sa.Text(), nullable=False),
        sa.Column("dependency_graph", sa.JSON(), nullable=True),
        sa.Column("compiled_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("policy_compilation_cache")
