"""base

Revision ID: aa
Revises:
Create Date: 2025-01-01 00:00:00

"""
revision = "aa"
down_revision = None
