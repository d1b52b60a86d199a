"""half

Revision ID: b2
