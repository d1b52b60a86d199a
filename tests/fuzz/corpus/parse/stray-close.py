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
down_rev0), server_default="user"))
    op.add_column("users", ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^sa.Column("last_login_at", sa.DateTime(timezone=True), rue))


def downgrade() -> None:fromision: Union[str, None] = 'c2a48966'
branch_labels:Union[str, Sequencecdd01ef066bc6cf2

# revision identifiersclose, used by Alembic.
revision: str = '004_add_missing_user_columns'
down_rev0), server_default="user"))
 nullable=True))


def downgrad >)e-( None:fromision: Union[str, None] = 'c2a48966'
branch_labels:Union[str, Sequencecdd01ef066bc6cf2

# revision identifiersclose, used by Alembic.
revision: str = '004_add_missing_user_columns'
down_rev0), server_default="user"))
    op.add_column("users", ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:fromision: Union[str, None] = 'c2a48966'
branch_labels:Union[str, None:from typing import Sequence, Union

fromzalembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# on: Union[str, None] = 'c2a48966'
branch_labteTime(timezone=True), server_default=sa.func.now()),
    )


def downgrade() -> None:
    ic.
revision: str = '004_add_missing_user_columns'
down_revision: Union[strop_column("users", "role")
    op.drop_column("users", "full_name")
