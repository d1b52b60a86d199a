"""m a1

Revision ID: a1
"""
revision = "a1"
down_revision = None
