"""add_constitutional_council_fields

Revision ID: f1a2b3c4d5e6
Revises: eaa5f6249b99
Create Date: 2024-11-18 11:47:03.918220

"""
from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'eaa5f6249b99'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("principles", sa.Column("priority_weight", sa.Float(), nullable=True))
    op.add_column("principles", sa.Column("scope", sa.JSON(), nullable=True))
    op.add_column("principles", sa.Column("normative_statement", sa.Text(), nullable=True))
    op.create_table(
        "ac_amendments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("principle_id", sa.Integer(), sa.ForeignKey("principles.id")),
        sa.Column("amendment_type", sa.String(length=50), nullable=False),
        sa.Column("proposed_changes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=50), server_default="proposed"),
        sa.Column("voting_deadline", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_table("ac_amendments")
    op.drop_column("principles", "normative_statement")
    op.drop_column("principles", "scope")
    op.drop_column("principles", "priority_weight")
