"""add_wina_constitutional_updates

Revision ID: 006_add_wina_constitutional_updates
Revises: 005_add_qec_conflict_resolution_fields
Create Date: 2025-01-09 11:06:40.215883

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '006_add_wina_constitutional_updates'
down_revision: Union[str, None] = '005_add_qec_conflict_resolution_fields'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "wina_constitutional_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("principle_id", sa.Integer(), sa.ForeignKey("principles.id")),
        sa.Column("update_type", sa.String(length=50), nullable=False),
        sa.Column("efficiency_gain", sa.Float(), nullable=True),
        sa.Column("constitutional_hash", sa.String(length=32), server_default="cdd01ef066bc6cf2"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("wina_constitutional_updates")
