import os
revision = "b2"
down_revision = os.environ.get("PARENT", "a1")
