"""n"""
revision = "n\nl"
down_revision = "aa"
