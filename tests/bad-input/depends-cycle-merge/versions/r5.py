"""r5

Revision ID: r5
"""
revision = "r5"
down_revision = ("r2", "r4")
depends_on = None
