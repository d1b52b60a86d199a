N = 2
revision = f"b{N}"
down_revision = "a1"
