revision = "b2"
down_revision = ("a1",)
down_revision += ("x",)
