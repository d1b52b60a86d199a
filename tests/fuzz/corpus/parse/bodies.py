"""Bodies the fast path skims

Revision ID: a1
Revises: b1
"""
import sqlalchemy as sa
from alembic import op

revision = 'a1'
down_revision = 'b1'

@decorated(x=[
    1, 2])
def upgrade():
    op.execute("""
revision = 'not this one'
""")
    x = (1,
  2)  # a closing bracket in column 2
    s = 'it''s' "#not a comment" r'\' \
    and more'
    if x:
        depends_on = 'inner'

class K:
	"""tab indented"""
	branch_labels = ('k',)

if sa:
    down_revision = 'c1'
else:
    pass
depends_on = None
