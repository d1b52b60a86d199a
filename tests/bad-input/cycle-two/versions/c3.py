"""m c3

Revision ID: c3
"""
revision = "c3"
down_revision = "b2"
