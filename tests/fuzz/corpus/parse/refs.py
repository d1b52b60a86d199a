PARENT = 'p1'
DEPS = ['d1', 'd2']
revision = 'x' 'y'
down_revision = PARENT
depends_on = DEPS
branch_labels = (('a' "b"), 'c')
