"""fw
"""
revision = "b2"
ｄown_revision = "a1"
