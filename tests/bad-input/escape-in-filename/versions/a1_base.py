"""add things

Revision ID: a1
Revises: 
Create Date: 2024-01-01 00:00:00

"""
revision = "a1"
down_revision = None
