"""m b2

Revision ID: b2
"""
revision = "b2"
down_revision = "c3"
