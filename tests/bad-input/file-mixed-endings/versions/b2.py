"""mixed
"""
revision = "b2"down_revision = (
  "a1",
)
