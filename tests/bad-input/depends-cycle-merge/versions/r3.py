"""r3

Revision ID: r3
"""
revision = "r3"
down_revision = "r2"
depends_on = None
