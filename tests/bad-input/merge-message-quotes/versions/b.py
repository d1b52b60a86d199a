"""left"""
revision = "bb"
down_revision = "aa"
