"""add users

Revision ID: a1
Revises: b2, c3
Create Date: 2024-01-01 00:00:00
"""
revision = "a1"
down_revision = ("b2", "c3")
branch_labels = None
depends_on = None
