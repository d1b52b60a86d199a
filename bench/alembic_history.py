#!/usr/bin/python3
"""Alembic's own `history` for bench.py: what `alembic -c INI history` prints.

Loads the project as tests/agree/agree.py does (alembic.config.Config and
ScriptDirectory.from_config, the version directory walked in current Alembic's
sorted order) and prints each revision with Alembic's own Script.cmd_format, so
the output can be compared byte for byte with `migtree history`.

Usage: alembic_history.py INI   (run with Debian's /usr/bin/python3 and Alembic)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "agree"))
import agree  # noqa: E402


def main():
    ini = os.path.abspath(sys.argv[1])
    root = os.path.dirname(ini)
    os.chdir(root)
    script_dir = agree.load_project(ini, root, None, False)
    sys.stdout.write(agree.reference(script_dir, "history"))


if __name__ == "__main__":
    main()
