revision = "b2"
down_revision = "a1"
branch_labels = ("x",)
