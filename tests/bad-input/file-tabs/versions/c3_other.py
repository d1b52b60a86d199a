"""add things

Revision ID: c3
Revises: a1
Create Date: 2024-01-01 00:00:00

"""
revision = "c3"
down_revision = "a1"
