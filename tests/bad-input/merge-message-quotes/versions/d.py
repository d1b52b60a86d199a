"""gone"""
revision = "dd"
down_revision = "missing1"
