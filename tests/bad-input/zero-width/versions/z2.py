"""looks like a child of z1\u200d

Revision ID: z\u200b1
"""
revision = "z2"
down_revision = "z\u200b1"
