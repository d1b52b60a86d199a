"""add_qec_enhancement_fields

Revision ID: 004_add_qec_enhancement_fields
Revises: 003_acgs_enhancements
Create Date: 2024-12-20 10:31:07.449561

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Constitutional Hash: cdd01ef066bc6cf2

# revision identifiers, used by Alembic.
revision: str = '004_add_qec_enhancement_fields'
down_revision: Union[str, None] = '003_acgs_enhancements'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("principles", sa.Column("validation_criteria_structured", sa.JSON(), nullable=True))
    op.add_column("principles", sa.Column("distance_score", sa.Float(), nullable=True))
    op.add_column("principles", sa.Column("error_prediction_metadata", sa.JSON(), nullable=True))
    op.create_index("ix_principles_distance_score", "principles", ["distance_score"])


def downgrade() -> None:
    op.drop_index("ix_principles_distance_score", table_name="principles")
    op.drop_column("principles", "error_prediction_metadata")
    op.drop_column("principles", "distance_score")
    op.drop_column("principles", "validation_criteria_structured")
