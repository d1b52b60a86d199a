#!/usr/bin/env python3
"""Write a synthetic Alembic project with N revisions, for benchmarks.

The shape is what long-lived projects look like: a main line with feature branches
that fork and merge back (one in every BRANCH_EVERY revisions), files named
<id>_<slug>.py as Alembic names them.

Usage: gen_history.py DIR N [--broken] [--depends FRAC] [--missing FRAC]
                      [--label-every K] [--fan] [--every-other-missing]
                      [--ladder] [--label-fork] [--label-heads K]
                      [--huge SHAPE [--huge-size BYTES]]

  --broken          drop a few files, making missing parents, and add a second
                    base, so the analysis has problems to report
  --depends FRAC    that fraction of revisions depends_on an earlier revision
  --missing FRAC    drop that fraction of the files: their children's parents
                    are missing
  --label-every K   a branch label on every Kth revision
  --fan             every revision but the first a head on the first (the
                    widest a history gets: N - 1 heads on one base)
  --every-other-missing
                    one line, each revision created a second after the one
                    before, every odd one naming a missing parent (an id of
                    no form of this project's): `plan` gives each the
                    revision created just before it, N / 2 re-parents
  --ladder          two lines, each revision of the second also on the one
                    before it in the first, the last revision retargeted onto
                    the second line's base (three heads; order's walk asks about
                    that base after nearly every chain)
  --label-fork      a line labelled on every revision, its last two revisions
                    both on the one before them (a fork at the top)
  --label-heads K   a line labelled on every revision, every Kth revision a
                    head on it instead (unlabelled: it holds the line's labels
                    below it), N / K heads that share their labels
  --huge SHAPE      the last revision's file is nearly BYTES (default 16 MiB,
                    migtree's limit) of one shape: list (a top-level list of
                    small ints), docstring (the module docstring), body
                    (upgrade()'s statements), assign (a million module-level
                    names), imports (a million imports), expr (one expression
                    of millions of terms)

The scaling shapes (bench/bench.py) use their own random stream, so the plain
histories stay byte for byte what they were (tests/screen.test uses one).
"""
import os
import random
import sys


def option(name, kind, default):
    if name not in sys.argv:
        return default
    return kind(sys.argv[sys.argv.index(name) + 1])


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    broken = "--broken" in sys.argv
    depends = option("--depends", float, 0.0)
    missing = option("--missing", float, 0.0)
    label_every = option("--label-every", int, 0)
    fan = "--fan" in sys.argv
    every_other = "--every-other-missing" in sys.argv
    ladder = "--ladder" in sys.argv
    label_fork = "--label-fork" in sys.argv
    label_heads = option("--label-heads", int, 0)
    huge = option("--huge", str, None)
    huge_size = option("--huge-size", int, 16 << 20)
    rng = random.Random(n)
    shape_rng = random.Random(n * 7 + 1)
    versions = os.path.join(out, "migrations", "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(out, "alembic.ini"), "w") as f:
        f.write("[alembic]\nscript_location = %(here)s/migrations\n")
    ids = ["%012x" % rng.getrandbits(48) for _ in range(n)]
    main_tip, branches = None, []   # the main line's tip, the open branches' tips
    line_tip = None                 # --label-heads: the labelled line's tip
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
        if fan and i > 0:
            down = [ids[0]]
        extra = {}
        if ladder:
            down = ([] if i == 0 else [ids[1]] if i == n - 1 else [ids[0]] if i == 1
                    else [ids[i - 1], ids[i - 2]] if i % 2 else [ids[i - 2]])
        if label_fork:
            down = [] if i == 0 else [ids[n - 3]] if i == n - 1 and n > 2 else [ids[i - 1]]
            extra["branch_labels"] = repr(("line_%d" % i,))
        if label_heads:
            down = [] if i == 0 else [line_tip]
            if i == 0 or i % label_heads:
                line_tip = rid
                extra["branch_labels"] = repr(("line_%d" % i,))
        if every_other:
            down = [] if i == 0 else ["zz%010x" % i] if i % 2 else [ids[i - 1]]
            extra["date"] = "2024-01-01 %02d:%02d:%02d" % (i // 3600, i // 60 % 60, i % 60)
        if i > 0 and depends and shape_rng.random() < depends:
            extra["depends_on"] = repr(ids[shape_rng.randrange(i)])
        if label_every and i % label_every == label_every - 1:
            extra["branch_labels"] = repr(("label_%d" % i,))
        if huge and i == n - 1:
            extra["huge"] = (huge, huge_size - 1024)   # the rest of the file fits in 1 KiB
        write(versions, rid, down, i, rng, extra)
    if broken:
        for rid in rng.sample(ids[1:], min(5, n - 1)):
            remove(versions, rid)
        write(versions, "%012x" % rng.getrandbits(48), [], n, rng, {})
    if missing:
        for rid in shape_rng.sample(ids[1:], int(missing * n)):
            remove(versions, rid)


def remove(versions, rid):
    for name in os.listdir(versions):
        if name.startswith(rid):
            os.remove(os.path.join(versions, name))


def huge_text(shape, size):
    """About SIZE bytes of SHAPE: (docstring text, top-level code, upgrade body)."""
    if shape == "list":
        items = max(1, size * 16 // 129)   # "1234567," is 8 bytes, a newline every 16
        return "", "TABLES = [\n" + "".join(
            "%d,%s" % (1000000 + k % 9000000, "\n" if k % 16 == 15 else "") for k in range(items)) + "]\n", ""
    if shape == "docstring":
        line = "A long explanation of what this revision does and why it matters.\n"
        return line * (size // len(line)), "", ""
    if shape == "body":
        line = "    op.execute('UPDATE accounts SET status = 1 WHERE id < 1000000')\n"
        return "", "", line * (size // len(line))
    if shape == "assign":   # a million module-level names: `v123456 = 123456`
        k, out, total = 0, [], 0
        while total < size:
            out.append("v%d = %d\n" % (k, k))
            total += len(out[-1])
            k += 1
        return "", "".join(out), ""
    if shape == "imports":
        k, out, total = 0, [], 0
        while total < size:
            out.append("import module_%d\n" % k)
            total += len(out[-1])
            k += 1
        return "", "".join(out), ""
    if shape == "expr":     # one logical line: millions of tokens
        terms = max(1, size // 4)
        return "", "TOTAL = " + " + ".join(["1"] * terms) + "\n", ""
    sys.exit("gen_history.py: --huge list|docstring|body|assign|imports|expr")


def write(versions, rid, down, i, rng, extra):
    slug = "step_%d_%s" % (i, rng.choice(["add_table", "add_index", "fix_column", "backfill"]))
    down_lit = "None" if not down else (repr(down[0]) if len(down) == 1 else repr(tuple(down)))
    doc, code, body = huge_text(*extra["huge"]) if "huge" in extra else ("", "", "")
    with open(os.path.join(versions, "%s_%s.py" % (rid, slug)), "w") as f:
        f.write('"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n%s"""\n'
                "from alembic import op\nimport sqlalchemy as sa\n\n"
                "revision = %r\ndown_revision = %s\nbranch_labels = %s\ndepends_on = %s\n\n%s\n"
                "def upgrade():\n%s    op.execute('SELECT %d')\n\n\ndef downgrade():\n    pass\n"
                % (slug.replace("_", " "), rid, ", ".join(down),
                   extra.get("date", "2024-01-01 00:00:%02d.%06d" % (i % 60, i)), doc, rid, down_lit,
                   extra.get("branch_labels", "None"), extra.get("depends_on", "None"), code, body, i))


if __name__ == "__main__":
    main()
