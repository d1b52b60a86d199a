"""simplify_rls_implementation

Revision ID: 003_simplify_rls
Revises: 002_enhance_rls
Create Date: 2024-12-09 09:41:05.126088

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '003_simplify_rls'
down_revision: Union[str, None] = '002_enhance_rls'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("DROP POLICY IF EXISTS tenant_isolation ON policies")
    op.execute(
        "CREATE POLICY tenant_isolation ON policies "
        "USING (tenant_id IS NULL OR tenant_id = current_setting('app.tenant_id', true)::int)"
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS tenant_isolation ON policies")
    op.execute(
        "CREATE POLICY tenant_isolation ON policies "
        "USING (tenant_id = current_setting('app.tenant_id')::int)"
    )
