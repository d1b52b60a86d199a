revision = 'a'
down_revision = u'b'
ｄown_revision = 'c'
