revision = "aaa\x00evil"
down_revision = "a1"
