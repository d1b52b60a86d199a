"""add_missing_user_columns

Revision ID: 004_add_missing_user_columns
Revises: c2a48966
Create Date: 2024-12-16 08:55:12.302944

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '004_add_missing_user_columns'
down_revision: Union[str, None] = 'c2a48966'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("users", sa.Column("full_name", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("role", sa.String(length=50), server_default="user"))
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "last_login_at")
    op.drop_column("users", "role")
    op.drop_column("users", "full_name")
