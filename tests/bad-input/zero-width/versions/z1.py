"""base

Revision ID: z1
"""
revision = "z1"
down_revision = None
