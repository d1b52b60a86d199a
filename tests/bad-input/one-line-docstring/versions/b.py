"""Revises: zz"""
revision = "bb"
down_revision = "aa"
