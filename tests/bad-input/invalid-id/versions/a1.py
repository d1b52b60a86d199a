"""m a-1

Revision ID: a-1
"""
revision = "a-1"
down_revision = None
