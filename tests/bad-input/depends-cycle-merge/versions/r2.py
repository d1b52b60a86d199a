"""r2

Revision ID: r2
"""
revision = "r2"
down_revision = "r1"
depends_on = "r4"
