"""child"""
revision = "cc"
down_revision = "aa"
