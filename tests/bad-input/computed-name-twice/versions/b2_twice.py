P = "a1"
P = "zz"
revision = "b2"
down_revision = P
