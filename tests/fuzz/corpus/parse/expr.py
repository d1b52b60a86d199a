revision = get_rev()
down_revision = 'a' + 'b'
