#!/usr/bin/env python3
"""Write a synthetic Alembic project with N revisions, for benchmarks.

The shape is what long-lived projects look like: a main line with feature branches
that fork and merge back (one in every BRANCH_EVERY revisions), a few branch labels
and depends_on, files named <id>_<slug>.py as Alembic names them.

Usage: gen_history.py DIR N [--broken]   (--broken: drop a few files, making
missing parents, and add a second base, so the analysis has problems to report)
"""
import os
import random
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    broken = "--broken" in sys.argv
    rng = random.Random(n)
    versions = os.path.join(out, "migrations", "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(out, "alembic.ini"), "w") as f:
        f.write("[alembic]\nscript_location = %(here)s/migrations\n")
    ids = ["%012x" % rng.getrandbits(48) for _ in range(n)]
    main_tip, branches = None, []   # the main line's tip, the open branches' tips
    for i, rid in enumerate(ids):
        r = rng.random()
        if main_tip is None:
            down, main_tip = [], rid
        elif branches and r < 0.06:                       # merge a branch back
            down, main_tip = [main_tip, branches.pop(rng.randrange(len(branches)))], rid
        elif r < 0.10:                                    # start a feature branch
            down = [main_tip]
            branches.append(rid)
        elif branches and r < 0.35:                       # grow a feature branch
            k = rng.randrange(len(branches))
            down, branches[k] = [branches[k]], rid
        else:                                             # grow the main line
            down, main_tip = [main_tip], rid
        write(versions, rid, down, i, rng)
    if broken:
        for rid in rng.sample(ids[1:], min(5, n - 1)):
            for name in os.listdir(versions):
                if name.startswith(rid):
                    os.remove(os.path.join(versions, name))
        write(versions, "%012x" % rng.getrandbits(48), [], n, rng)


def write(versions, rid, down, i, rng):
    slug = "step_%d_%s" % (i, rng.choice(["add_table", "add_index", "fix_column", "backfill"]))
    down_lit = "None" if not down else (repr(down[0]) if len(down) == 1 else repr(tuple(down)))
    with open(os.path.join(versions, "%s_%s.py" % (rid, slug)), "w") as f:
        f.write('"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: 2024-01-01 00:00:%02d.%06d\n\n"""\n'
                "from alembic import op\nimport sqlalchemy as sa\n\n"
                "revision = %r\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n"
                "def upgrade():\n    op.execute('SELECT %d')\n\n\ndef downgrade():\n    pass\n"
                % (slug.replace("_", " "), rid, ", ".join(down), i % 60, i, rid, down_lit, i))


if __name__ == "__main__":
    main()
