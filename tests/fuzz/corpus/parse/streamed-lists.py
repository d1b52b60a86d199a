"""m

Revises: b
"""
revision = 'a'
down_revision = ['b', "c", x.y, ('d' 'e'),]
T = [1, 2, (3, 4), [5], {6: 7}]; depends_on = [T, 'f',
  'g'] 
branch_labels = ['l', 'm'] + ['n']
