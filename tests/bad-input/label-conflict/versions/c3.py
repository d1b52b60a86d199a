revision = "c3"
down_revision = "a1"
branch_labels = "x"
