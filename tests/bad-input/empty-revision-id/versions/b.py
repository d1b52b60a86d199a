"""second

Revision ID: bb
Revises: aa
Create Date: 2025-01-01 00:00:00

"""
revision = "bb"
down_revision = "aa"
