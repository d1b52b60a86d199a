"""r4

Revision ID: r4
"""
revision = "r4"
down_revision = "r3"
depends_on = None
