# -*- coding: latin-1 -*-
revision = 'rév'
down_revision = None
