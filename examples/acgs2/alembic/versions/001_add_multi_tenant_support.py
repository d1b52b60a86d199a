"""add_multi_tenant_support

Revision ID: 001_multi_tenant
Revises: 
Create Date: 2024-12-02 10:20:44.512937

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '001_multi_tenant'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(length=100), nullable=False, unique=True),
        sa.Column("name", sa.String(length=255), nullable=False),
    )
    for table in ("users", "principles", "policies"):
        op.add_column(table, sa.Column("tenant_id", sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_tenant", table, "organizations", ["tenant_id"], ["id"])


def downgrade() -> None:
    for table in ("policies", "principles", "users"):
        op.drop_constraint(f"fk_{table}_tenant", table, type_="foreignkey")
        op.drop_column(table, "tenant_id")
    op.drop_table("organizations")
