"""tabs
"""
revision =	"b2"
down_revision = (
	"a1",
		"c3",
)
def upgrade():
	pass
