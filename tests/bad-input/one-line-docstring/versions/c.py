"""c"""
revision = "cc"
down_revision = "aa"
