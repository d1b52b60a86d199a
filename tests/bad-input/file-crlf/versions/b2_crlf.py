"""crlf file

Revision ID: b2
Revises: a1
"""
revision = (
    "b2"
)
down_revision = "a1"
