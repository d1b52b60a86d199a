"""rename \x1b[31mred\x1b[0m \x1b]0;pwned\x07 and a bell\x07 here

Revision ID: a1b2c3d4
"""
revision = "a1b2c3d4"
down_revision = None
