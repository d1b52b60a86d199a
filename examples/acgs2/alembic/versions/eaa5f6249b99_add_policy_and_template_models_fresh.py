"""add_policy_and_template_models_fresh

Revision ID: eaa5f6249b99
Revises: 82069bc89d27
Create Date: 2024-11-09 16:02:51.004213

"""
from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision = 'eaa5f6249b99'
down_revision = '82069bc89d27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "policy_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=255), nullable=False, unique=True),
        sa.Column("template_content", sa.Text(), nullable=False),
        sa.Column("parameters_schema", sa.JSON(), nullable=True),
    )
    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=50), server_default="draft", nullable=False),
        sa.Column("template_id", sa.Integer(), sa.ForeignKey("policy_templates.id")),
    )
    op.create_index("ix_policies_status", "policies", ["status"])


def downgrade():
    op.drop_index("ix_policies_status", table_name="policies")
    op.drop_table("policies")
    op.drop_table("policy_templates")
