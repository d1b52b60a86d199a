# coding: koi8-r
revision = "b2"
down_revision = "a1"
