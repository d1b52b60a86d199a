import os
revision = "b2"
if os.environ.get("X"):
    down_revision = "a1"
else:
    down_revision = None
