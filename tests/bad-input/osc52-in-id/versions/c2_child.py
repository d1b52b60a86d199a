"""child of the clipboard id

Revision ID: c2
"""
revision = "c2"
down_revision = "c1\x1b]52;c;ZWNobyBwd25lZA==\x07"
