#!/usr/bin/env python3
"""Compare migtree's `current`, `current -v`, `history -i` and `history -i -v` with
Alembic's own on a real database that Alembic itself stamped.

For each project (a fixture, --project INI, or --cases N histories generated as
agree.py generates them) and each set of stamps (every revision alone, all the
heads together, a random pair, the empty table, no table at all), Alembic's
`command.stamp(..., purge=True)` writes the version table through a minimal
env.py, then Alembic's `command.current` and `command.history(indicate_current=
True)` print, and migtree reads the same database with --db URL.

As in agree.py, Alembic 1.8 lists a version directory unsorted and prints some
Python sets: the reference loads the files in current Alembic's order (agree.py's
SortedScriptDirectory, handed to the commands) and prints labels sorted and
children in history order. `current` prints a set of revisions too: with several,
the lines (or -v's entries) are compared as sets.

Usage: agree_db.py MIGTREE --url URL [--project INI [--section NAME] | --cases N [--seed S]]
         [--version-table NAME]
  URL        the database (sqlite:///..., postgresql://...); Alembic and migtree
             read the same. A SQLite URL's file is made (empty) when missing.
Ends with `N passed, N failed`.
"""
import difflib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agree  # noqa: E402  (the same loader and generator)

from alembic import command, util  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.script import base as script_base  # noqa: E402
from sqlalchemy import create_engine, pool, text  # noqa: E402

ENV_PY = '''\
# written by tests/agree/agree_db.py: the least env.py that reaches a database
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection,
                      version_table=config.get_main_option("agree_version_table") or "alembic_version")
    with context.begin_transaction():
        context.run_migrations()
'''
DIFF_LINES = 30


class Reference:
    """Alembic's commands on one project, printing into a buffer."""

    def __init__(self, ini, section, url, table):
        self.cfg = Config(ini, ini_section=section or "alembic")
        self.cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        if table:
            self.cfg.set_main_option("agree_version_table", table)
        location = self.cfg.get_main_option("script_location")
        env = os.path.join(location, "env.py")
        if not os.path.exists(env):
            with open(env, "w") as f:
                f.write(ENV_PY)
        self.sd = agree.load_project(ini, os.path.dirname(ini), section, False)
        self.order = [sc.revision for sc in self.sd.walk_revisions()]
        self.url, self.table = url, table or "alembic_version"

    def run(self, fn, *args, **kw):
        """FN's output, from a fresh state: each alembic command is a process."""
        for sc in self.sd.revision_map._revision_map.values():
            if sc is not None and not isinstance(sc, tuple):
                sc._db_current_indicator = None
        pos = {rev: i for i, rev in enumerate(self.order)}
        real_format, real_sd = util.format_as_comma, command.ScriptDirectory

        def stable_format(value):
            if isinstance(value, (set, frozenset)):
                value = sorted(value, key=pos.get) if all(v in pos for v in value) else sorted(value)
            return real_format(value)

        class Sorted:
            @staticmethod
            def from_config(cfg):
                return self.sd

        out = io.StringIO()
        self.cfg.stdout = out
        script_base.util.format_as_comma = stable_format
        command.ScriptDirectory = Sorted
        try:
            fn(self.cfg, *args, **kw)
        except util.CommandError as e:
            return "ERROR " + str(e)
        finally:
            script_base.util.format_as_comma = real_format
            command.ScriptDirectory = real_sd
        return out.getvalue()

    def stamp(self, revs):
        """The table holding REVS (None: no table at all)."""
        engine = create_engine(self.url, poolclass=pool.NullPool)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS %s" % self.table))
        engine.dispose()
        if revs is not None:
            self.run(command.stamp, list(revs) or ["base"], purge=True)


def as_set(output, verbose):
    """current's lines (or -v's entries) as a sorted list: Alembic prints a set."""
    if output.startswith("ERROR"):
        return [output]
    if verbose:
        head, _, rest = output.partition("\n")
        return [head] + sorted(e for e in rest.split("\n\n") if e)
    return sorted(output.splitlines())


def compare(migtree, ref, ini, section, label, table):
    compared = failures = 0
    base = [migtree, "-c", ini] + (["-n", section] if section else []) + ["--db", ref.url]
    base += ["--version-table", table] if table else []
    for what, verbose in (("current", False), ("current", True), ("history", False), ("history", True)):
        if what == "current":
            want = ref.run(command.current, verbose=verbose)
        else:
            want = ref.run(command.history, verbose=verbose, indicate_current=True)
        argv = [what] + (["-v"] if verbose else []) + (["-i"] if what == "history" else [])
        proc = subprocess.run(base + argv, cwd=os.path.dirname(ini), capture_output=True, text=True)
        got = proc.stdout
        compared += 1
        same = as_set(got, verbose) == as_set(want, verbose) if what == "current" else got == want
        if not same or proc.returncode != 0:
            failures += 1
            print("FAIL %s: migtree %s: exit %d" % (label, " ".join(argv), proc.returncode))
            for line in proc.stderr.splitlines()[:4]:
                print("   stderr: " + line)
            diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(), "alembic", "migtree",
                                             lineterm="", n=2))
            for line in diff[:DIFF_LINES]:
                print("   " + line)
    return compared, failures


def stamp_sets(ref, rng):
    """Every revision alone, the heads, a random pair of unrelated ones, empty, none."""
    heads = [sc.revision for sc in ref.sd.get_revisions(ref.sd.get_heads())]
    sets = [[r] for r in ref.order]
    sets.append(heads)
    if len(heads) > 1:
        sets.append(rng.sample(heads, 2))
    sets.append([])
    sets.append(None)
    return sets


def run_project(migtree, ini, section, url, table, rng, label):
    ref = Reference(ini, section, url, table)
    compared = failures = 0
    for revs in stamp_sets(ref, rng):
        try:
            ref.stamp(revs)
        except Exception as e:   # Alembic refuses this stamp (overlapping revisions): not ours
            if revs and len(revs) > 1:
                continue
            print("FAIL %s: alembic stamp %s: %s: %s" % (label, revs, type(e).__name__, e))
            failures += 1
            continue
        name = "%s [%s]" % (label, "no table" if revs is None else " ".join(revs) or "empty")
        c, f = compare(migtree, ref, ini, section, name, table)
        compared += c
        failures += f
    print("%s: %d comparisons, %d differ" % (label, compared, failures))
    return compared, failures


def main():
    args = sys.argv[1:]
    migtree = os.path.abspath(args[0]) if os.sep in args[0] else args[0]

    def opt(name, default=None):
        return args[args.index(name) + 1] if name in args else default

    url, table = opt("--url"), opt("--version-table")
    if not url:
        print("agree_db.py: --url URL is required\n0 passed, 1 failed")
        return 2
    rng = random.Random(int(opt("--seed", "20261126")))
    compared = failures = 0
    if opt("--project"):
        ini = os.path.abspath(opt("--project"))
        c, f = run_project(migtree, ini, opt("--section"), url, table, rng, os.path.basename(os.path.dirname(ini)))
        compared, failures = compared + c, failures + f
    for case in range(int(opt("--cases", "0"))):
        root = tempfile.mkdtemp(prefix="migtree-agree-db-")
        try:
            agree.generate(random.Random(int(opt("--seed", "20261126")) + case), root)
            c, f = run_project(migtree, os.path.join(root, "alembic.ini"), None, url, table, rng,
                               "case %d" % case)
            compared, failures = compared + c, failures + f
        finally:
            shutil.rmtree(root, ignore_errors=True)
    if compared == 0:
        failures += 1
    print("%d passed, %d failed" % (compared - min(failures, compared), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
