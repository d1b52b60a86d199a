"""nested
"""
revision = "b2"
down_revision = (("a" "1"), "c3")
