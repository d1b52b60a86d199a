"""right"""
revision = "cc"
down_revision = "aa"
