"""添加用户表 — ajout ✓
"""
revision = "b2"
down_revision = "a1"
