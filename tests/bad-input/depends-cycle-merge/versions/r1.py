"""r1

Revision ID: r1
"""
revision = "r1"
down_revision = None
depends_on = None
