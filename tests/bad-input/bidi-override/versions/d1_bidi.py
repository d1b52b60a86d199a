"""grant \u202eadmin\u202c to users

Revision ID: d1
"""
revision = "d1"
down_revision = None
branch_labels = ("lab\u202eel",)
