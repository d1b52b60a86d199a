"""modify_policyrule_source_principles

Revision ID: c2a48966
Revises: 003_acgs_enhancements
Create Date: 2024-12-18 13:12:58.710452

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = 'c2a48966'
down_revision: Union[str, None] = '003_acgs_enhancements'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.alter_column(
        "policy_rules",
        "source_principle_ids",
        existing_type=sa.JSON(),
        type_=sa.dialects.postgresql.JSONB(),
        postgresql_using="source_principle_ids::jsonb",
    )
    op.create_index(
        "ix_policy_rules_source_principles",
        "policy_rules",
        ["source_principle_ids"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_policy_rules_source_principles", table_name="policy_rules")
    op.alter_column(
        "policy_rules",
        "source_principle_ids",
        existing_type=sa.dialects.postgresql.JSONB(),
        type_=sa.JSON(),
    )
