# -*- coding: latin-1 -*-
"""café
"""
revision = "b2"
down_revision = "a1"
