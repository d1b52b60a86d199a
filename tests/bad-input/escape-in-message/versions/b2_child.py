"""child \x9b31m (a C1 CSI)

Revision ID: b2c3d4e5
"""
revision = "b2c3d4e5"
down_revision = "a1b2c3d4"
