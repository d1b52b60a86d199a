#!/usr/bin/env python3
"""Compare migtree's history/heads/branches with Alembic's own, line by line.

Generates varied migration histories (linear, branches, merges of 2 and 3, branch
labels, depends_on by id and label, several version locations, recursive
subdirectories, annotated and plain headers, docstring-less files, CRLF files,
multi-line tuples with comments, ids that are prefixes of each other), loads each
with Alembic's RevisionMap and prints what `alembic history/heads/branches` print,
then runs migtree on the same files and diffs.

Debian 12 ships Alembic 1.8, which lists a version directory unsorted; current
Alembic (1.19) walks it sorted. The reference therefore loads the files in current
Alembic's order itself (the same walk as alembic/script/base.py _list_py_dir) and
uses Alembic's own Script, RevisionMap and formatting for everything else.

Alembic prints some Python sets (branch labels, "Branches into", the children in
`branches`) in an order that changes between runs; migtree documents labels as
sorted and children in history order, and the reference is normalised to that
order, so the comparison is exact everywhere else.

A fixed project (--project INI) is loaded through Alembic's own configuration
code instead: alembic.config.Config and ScriptDirectory.from_config, with the
project root and its src/ first on sys.path so that `package:path` locations and
the migration files' own imports resolve, and the current directory at the
project root (Alembic resolves relative locations against it). Only the listing
of the resolved version locations is replaced by the sorted walk above.

Every comparison is counted; a project that Alembic cannot load, or that yields no
comparison, fails. The generated run fails when a feature was never covered.

Usage: agree.py MIGTREE [--cases N] [--seed S] [--max-revs N] [--keep DIR]
       agree.py MIGTREE --project INI [--root DIR] [--section NAME] [--flask]
                [--subdir REL]... [--expect-warning TEXT]... [-- MIGTREE_ARGS...]

  --root DIR      the project root: migtree runs there (with -c INI), and it and
                  DIR/src go first on sys.path (default: the ini's directory)
  --section NAME  the ini section (Config(ini_section=NAME), migtree -n NAME)
  --flask         Flask-Migrate: an ini without script_location gets the ini's
                  folder as script_location (Flask-Migrate passes the folder)
  --subdir REL    also run every command from ROOT/REL without -c (migtree must
                  find the configuration upwards); repeatable
  --expect-warning TEXT
                  without MIGTREE_ARGS, `migtree history` must still list every
                  revision, exit 0 and say TEXT on stderr (a value only running
                  the file could tell); repeatable
  -- MIGTREE_ARGS extra arguments for every migtree run (e.g. --define X=Y)
"""
import difflib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile

from alembic import util
from alembic.config import Config
from alembic.script import base as script_base
from alembic.script.base import Script, ScriptDirectory
from alembic.script.revision import RevisionMap

MAX_REVS = 45
DIFF_LINES = 40   # per failed project comparison

WORDS = ("add users table index fix email column drop legacy audit log tenant policy "
         "rename cache token merge heads refactor billing invoice order status").split()


class SortedScriptDirectory(ScriptDirectory):
    """Alembic's ScriptDirectory, loading files as current Alembic does."""

    def __init__(self, dir_, locations, recursive):
        super().__init__(dir_, version_locations=locations)
        self._locations = locations
        self._recursive = recursive

    @classmethod
    def adopt(cls, script_dir, recursive):
        """Take over a ScriptDirectory that Alembic built from a Config: its
        resolved locations (package:path resolved, made absolute) stay, only the
        listing order changes."""
        script_dir._locations = list(script_dir._version_locations)
        script_dir._recursive = recursive
        script_dir.__class__ = cls
        # __init__ bound the map to the old listing: bind it to ours
        script_dir.revision_map = RevisionMap(script_dir._load_revisions)
        return script_dir

    def _load_revisions(self):
        dupes = set()
        for vers in self._locations:
            if not os.path.exists(vers):
                continue
            for root, dirs, files in os.walk(vers, topdown=True):
                if root.endswith("__pycache__"):
                    continue
                for filename in sorted(files):
                    real = os.path.realpath(os.path.join(root, filename))
                    if real in dupes:
                        continue
                    dupes.add(real)
                    script = Script._from_filename(self, os.path.dirname(real),
                                                   os.path.basename(real))
                    if script is not None:
                        yield script
                if not self._recursive:
                    break
                dirs.sort()


def reference(script_dir, what, verbose=False, rev_range=None):
    """What alembic's history/heads/branches commands print (command.py)."""
    out = io.StringIO()
    order = [sc.revision for sc in script_dir.walk_revisions()]
    pos = {rev: i for i, rev in enumerate(order)}
    real_format = util.format_as_comma

    def stable_format(value):
        if isinstance(value, (set, frozenset)):
            if all(v in pos for v in value):
                value = sorted(value, key=pos.get)   # children: history order
            else:
                value = sorted(value)                # labels: sorted
        return real_format(value)

    script_base.util.format_as_comma = stable_format
    try:
        if what == "history":
            base = head = None
            if rev_range is not None:
                base, head = rev_range.split(":")
            for sc in script_dir.walk_revisions(base=base or "base", head=head or "heads"):
                out.write(sc.cmd_format(verbose=verbose, include_branches=True,
                                        include_doc=True, include_parents=True) + "\n")
        elif what == "heads":
            for rev in script_dir.get_revisions(script_dir.get_heads()):
                out.write(rev.cmd_format(verbose, include_branches=True,
                                         tree_indicators=False) + "\n")
        elif what == "branches":
            for sc in script_dir.walk_revisions():
                if sc.is_branch_point:
                    kids = sorted(sc.nextrev, key=pos.get)
                    out.write("%s\n%s\n" % (
                        sc.cmd_format(verbose, include_branches=True),
                        "\n".join("%s -> %s" % (
                            " " * len(str(sc.revision)),
                            script_dir.get_revision(k).cmd_format(
                                False, include_branches=True, include_doc=verbose))
                            for k in kids)) + "\n")
    finally:
        script_base.util.format_as_comma = real_format
    return out.getvalue()


def make_id(rng, existing):
    kind = rng.random()
    while True:
        if kind < 0.55:
            rid = "%012x" % rng.getrandbits(48)
        elif kind < 0.75 and existing:
            # an id that extends another: prefixes of each other
            rid = rng.choice(sorted(existing)) + rng.choice("0123456789abcdef")
        elif kind < 0.9:
            rid = "%03d_%s" % (rng.randrange(1000), rng.choice(WORDS))
        else:
            rid = rng.choice(WORDS) + str(rng.randrange(100))
        if rid not in existing and len(rid) >= 4:
            return rid
        kind = rng.random()


def py_literal(rng, value, multiline_ok=True):
    q = rng.choice(["'", '"'])
    if value is None:
        return "None"
    if isinstance(value, str):
        return q + value + q
    items = [q + v + q for v in value]
    if multiline_ok and rng.random() < 0.4:
        inner = "".join("    %s,  # parent %d\n" % (it, i) for i, it in enumerate(items))
        return "(\n" + inner + ")"
    if rng.random() < 0.3:
        return "[" + ", ".join(items) + "]"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def render(rng, rev, down, labels, deps, message):
    annotated = rng.random() < 0.5
    lines = []
    if rng.random() < 0.85:
        revises = ", ".join(down) if down else ""
        lines.append('"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: 2024-0%d-1%d 10:00:00.000000\n\n"""'
                     % (message, rev, revises, rng.randrange(1, 9), rng.randrange(10)))
    lines.append("from alembic import op\nimport sqlalchemy as sa\n")
    if annotated:
        lines.append("from typing import Sequence, Union\n")
    lines.append("# revision identifiers, used by Alembic.")
    down_value = None if not down else (down[0] if len(down) == 1 and rng.random() < 0.8 else tuple(down))
    label_value = None if not labels else (labels[0] if rng.random() < 0.5 else tuple(labels))
    dep_value = None if not deps else (deps[0] if rng.random() < 0.5 else tuple(deps))
    if annotated:
        lines.append("revision: str = %s" % py_literal(rng, rev))
        lines.append("down_revision: Union[str, Sequence[str], None] = %s" % py_literal(rng, down_value))
        lines.append("branch_labels: Union[str, Sequence[str], None] = %s" % py_literal(rng, label_value))
        lines.append("depends_on: Union[str, Sequence[str], None] = %s" % py_literal(rng, dep_value))
    else:
        lines.append("revision = %s" % py_literal(rng, rev))
        lines.append("down_revision = %s" % py_literal(rng, down_value))
        if label_value is not None or rng.random() < 0.7:
            lines.append("branch_labels = %s" % py_literal(rng, label_value))
        if dep_value is not None or rng.random() < 0.7:
            lines.append("depends_on = %s" % py_literal(rng, dep_value))
    lines.append("\n\ndef upgrade():\n    op.execute('SELECT 1')\n\n\ndef downgrade():\n    pass\n")
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.15:
        text = text.replace("\n", "\r\n")
    return text


def generate(rng, root):
    """A random valid history; returns (script_location, locations, recursive, ini text)."""
    n = rng.randrange(1, MAX_REVS)
    shape = rng.random()
    revs, parents_of, labels_of = [], {}, {}
    heads = []
    used_labels = set()
    for i in range(n):
        rid = make_id(rng, set(revs))
        if i == 0 or (rng.random() < 0.05):
            down = []
        elif shape < 0.2:
            down = [revs[-1]]
        else:
            r = rng.random()
            if r < 0.15 and len(heads) >= 2:
                down = rng.sample(heads, min(len(heads), rng.choice([2, 2, 3])))
            elif r < 0.45:
                down = [rng.choice(revs)]
            else:
                down = [rng.choice(heads) if heads else revs[-1]]
        labels = []
        if rng.random() < 0.1:
            label = rng.choice(WORDS) + "_branch%d" % i
            if label not in used_labels:
                used_labels.add(label)
                labels = [label]
        revs.append(rid)
        parents_of[rid] = down
        labels_of[rid] = labels
        heads = [h for h in heads if h not in down] + [rid]
    # depends_on only on revisions created earlier that are not already ancestors
    deps_of = {r: [] for r in revs}
    for i, rid in enumerate(revs):
        if i > 2 and rng.random() < 0.12:
            target = rng.choice(revs[:i])
            if target not in parents_of[rid]:
                if labels_of[target] and rng.random() < 0.5:
                    deps_of[rid] = [labels_of[target][0]]
                else:
                    deps_of[rid] = [target]
    script_location = os.path.join(root, "migrations")
    os.makedirs(script_location)
    nloc = 1 if rng.random() < 0.7 else rng.randrange(2, 4)
    recursive = rng.random() < 0.3
    locations = [os.path.join(script_location, "versions" if k == 0 else "extra%d" % k)
                 for k in range(nloc)]
    for loc in locations:
        os.makedirs(loc)
    subdirs = ["", "2023", "2024", "sub/deeper"] if recursive else [""]
    for rid in revs:
        loc = rng.choice(locations)
        sub = rng.choice(subdirs)
        d = os.path.join(loc, sub)
        os.makedirs(d, exist_ok=True)
        msg = " ".join(rng.sample(WORDS, rng.randrange(1, 4)))
        if rng.random() < 0.2:
            fname = rid + ".py" if all(c in "0123456789abcdef" for c in rid) else "%s_x.py" % rid
        else:
            fname = "%s_%s.py" % (rng.choice(WORDS + [rid]), msg.replace(" ", "_"))
        path = os.path.join(d, fname)
        while os.path.exists(path):
            path = path[:-3] + "_1.py"
        text = render(rng, rid, parents_of[rid], labels_of[rid], deps_of[rid], msg)
        if fname == rid + ".py" and rng.random() < 0.5:
            text = text.replace("revision = ", "# legacy: id from the file name\n_unused = ", 1) \
                if "revision: str" not in text else text
        with open(path, "w", newline="") as f:
            f.write(text)
    # files that are not migrations: Alembic skips them
    open(os.path.join(locations[0], "__init__.py"), "w").close()
    open(os.path.join(locations[0], "README"), "w").write("not a migration\n")
    sep = rng.choice(["os", "space", None, "newline"])
    lines = ["[alembic]", "script_location = %(here)s/migrations"]
    if nloc > 1 or rng.random() < 0.3:
        rel = ["%(here)s/migrations/" + os.path.basename(l) for l in locations]
        if sep == "os":
            lines += ["path_separator = os", "version_locations = " + ":".join(rel)]
        elif sep == "space":
            lines += ["version_path_separator = space", "version_locations = " + " ".join(rel)]
        elif sep == "newline":
            lines += ["path_separator = newline", "version_locations ="] + ["    " + r for r in rel]
        else:
            lines += ["version_locations = " + ", ".join(rel)]
    if recursive:
        lines.append("recursive_version_locations = true")
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return script_location, locations, recursive


def run_migtree(migtree, root, args):
    proc = subprocess.run([migtree, "-c", os.path.join(root, "alembic.ini")] + args,
                          cwd=root, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def pick_range(rng, script_dir):
    order = [sc.revision for sc in script_dir.walk_revisions()]
    upper = rng.choice(order)
    ancestors = [r.revision for r in script_dir.revision_map._get_ancestor_nodes(
        [script_dir.get_revision(upper)])]
    lower = rng.choice(ancestors)
    return "%s:%s" % (rng.choice([lower, lower[:max(4, len(lower) - 2)]]) if rng.random() < 0.8 else "",
                      upper if rng.random() < 0.8 else "")


PATH_SEPARATORS = {"os": os.pathsep, "space": " ", "newline": "\n", ":": ":", ";": ";"}


def load_project(ini, root, section, flask):
    """The project's ScriptDirectory as Alembic's own config code builds it."""
    for path in (os.path.join(root, "src"), root):
        if os.path.isdir(path) and path not in sys.path:
            sys.path.insert(0, path)
    cfg = Config(ini, ini_section=section or "alembic")
    if flask and not cfg.get_main_option("script_location"):
        # flask_migrate: config.set_main_option('script_location', directory)
        cfg.set_main_option("script_location", os.path.dirname(os.path.abspath(ini)))
    sep = cfg.get_main_option("path_separator")
    if sep is not None and cfg.get_main_option("version_locations"):
        # Alembic 1.16+ key; Debian's 1.8 only knows version_path_separator
        if sep not in PATH_SEPARATORS:
            raise util.CommandError("path_separator %r is not valid" % sep)
        parts = cfg.get_main_option("version_locations").split(PATH_SEPARATORS[sep])
        cfg.set_main_option("version_path_separator", "os")
        cfg.set_main_option("version_locations",
                            os.pathsep.join(p.strip() for p in parts if p.strip()))
    script_dir = ScriptDirectory.from_config(cfg)
    rec = (cfg.get_main_option("recursive_version_locations") or "").strip().lower()
    return SortedScriptDirectory.adopt(script_dir, rec in ("true", "1", "yes", "on"))


def compare_project(migtree, ini, root=None, section=None, flask=False, subdirs=(),
                    extra=(), expect_warnings=()):
    """Compare a fixed project; returns (comparisons, failures)."""
    ini = os.path.abspath(ini)
    root = os.path.abspath(root or os.path.dirname(ini))
    name = os.path.relpath(ini, os.path.dirname(root))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        sd = load_project(ini, root, section, flask)
        revisions = [sc.revision for sc in sd.walk_revisions()]
    except Exception as e:   # Alembic cannot load it: a broken fixture or harness
        os.chdir(cwd)
        print("FAIL %s: Alembic cannot load the project: %s: %s" % (name, type(e).__name__, e))
        print("%s: 0 comparisons" % name)
        return 0, 1
    expected = {}
    try:
        for what, verbose in (("history", False), ("history", True), ("heads", False),
                              ("heads", True), ("branches", False)):
            expected[(what, verbose)] = reference(sd, what, verbose)
    finally:
        os.chdir(cwd)
    if not revisions:
        print("FAIL %s: Alembic loads no revision: fixture or harness is wrong" % name)
        return 0, 1
    base_args = ["-n", section] if section else []
    runs = [(root, ["-c", ini] + base_args)]
    runs += [(os.path.join(root, sub), base_args) for sub in subdirs]
    compared = failures = 0
    for where, loc_args in runs:
        for (what, verbose), want in expected.items():
            argv = loc_args + list(extra) + [what] + (["-v"] if verbose else [])
            proc = subprocess.run([migtree] + argv, cwd=where, capture_output=True, text=True)
            compared += 1
            got = proc.stdout
            if got != want or proc.returncode != 0:
                failures += 1
                print("FAIL %s (in %s): migtree %s: exit %d" % (
                    name, os.path.relpath(where, root), " ".join(argv), proc.returncode))
                for line in proc.stderr.splitlines()[:5]:
                    print("   stderr: " + line)
                diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(),
                                                 "alembic", "migtree", lineterm="", n=2))
                for line in diff[:DIFF_LINES]:
                    print("   " + line)
                if len(diff) > DIFF_LINES:
                    print("   ... %d more diff lines" % (len(diff) - DIFF_LINES))
    if expect_warnings:
        # without the defines: warned about, but no revision dropped
        argv = ["-c", ini] + base_args + ["history"]
        proc = subprocess.run([migtree] + argv, cwd=root, capture_output=True, text=True)
        compared += 1
        listed = set()
        for line in proc.stdout.splitlines():
            # "DOWN[, DOWN2] [(DEPS)] -> REV [(LABELS)] [(head)]..., DOC"
            if " -> " in line:
                listed.add(line.split(" -> ", 1)[1].split(" ", 1)[0].rstrip(","))
        lost = [r for r in revisions if r not in listed]
        unsaid = [t for t in expect_warnings if t not in proc.stderr]
        if proc.returncode != 0 or lost or unsaid:
            failures += 1
            print("FAIL %s: migtree %s (no defines): exit %d, revisions dropped: %s, "
                  "warnings missing: %s" % (name, " ".join(argv), proc.returncode,
                                            ", ".join(lost) or "none", ", ".join(unsaid) or "none"))
            for line in proc.stderr.splitlines()[:5]:
                print("   stderr: " + line)
    print("%s: %d comparisons, %d differ (%d revisions)" % (name, compared, failures,
                                                           len(revisions)))
    if compared == 0:
        failures += 1
    return compared, failures


def project_main(migtree, args):
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    opts = {"--project": None, "--root": None, "--section": None}
    lists = {"--subdir": [], "--expect-warning": []}
    flask = False
    i = 0
    while i < len(args):
        if args[i] in opts and i + 1 < len(args):
            opts[args[i]] = args[i + 1]
            i += 2
        elif args[i] in lists and i + 1 < len(args):
            lists[args[i]].append(args[i + 1])
            i += 2
        elif args[i] == "--flask":
            flask = True
            i += 1
        else:
            print("agree.py: unknown argument %r" % args[i])
            print("0 passed, 1 failed")
            return 2
    compared, failures = compare_project(
        migtree, opts["--project"], opts["--root"], opts["--section"], flask,
        lists["--subdir"], extra, lists["--expect-warning"])
    print("%d passed, %d failed" % (max(compared - failures, 0), failures))
    return 1 if failures else 0


def main():
    sys.dont_write_bytecode = True   # the fixtures are imported: leave no __pycache__
    args = sys.argv[1:]
    migtree = args[0]
    if os.sep in migtree:
        migtree = os.path.abspath(migtree)   # it runs in other directories
    if "--project" in args:
        return project_main(migtree, args[1:])
    cases = int(args[args.index("--cases") + 1]) if "--cases" in args else 150
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 20261125
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    global MAX_REVS
    if "--max-revs" in args:
        MAX_REVS = int(args[args.index("--max-revs") + 1])
    failures = 0
    compared = 0
    # every feature the generator makes must have been compared at least once
    seen = dict.fromkeys(["revisions", "merge points", "3-way merges", "branch points",
                          "depends_on", "depends_on on a label", "branch labels",
                          "effective heads", "ids prefixing others", "annotated files",
                          "multi-line tuples", "CRLF files", "files without docstring",
                          "ids from file names", "several locations", "recursive locations",
                          "ranges compared"], 0)
    skipped = dict.fromkeys(["ranges not picked", "ranges Alembic asserts on"], 0)
    for case in range(cases):
        rng = random.Random(seed + case)
        root = tempfile.mkdtemp(prefix="migtree-agree-")
        try:
            script_location, locations, recursive = generate(rng, root)
            sd = SortedScriptDirectory(script_location, locations, recursive)
            ids = [sc.revision for sc in sd.walk_revisions()]
            for sc in sd.walk_revisions():
                seen["revisions"] += 1
                seen["merge points"] += sc.is_merge_point
                seen["3-way merges"] += len(sc._versioned_down_revisions) > 2
                seen["branch points"] += sc.is_branch_point
                seen["depends_on"] += bool(sc.dependencies)
                seen["branch labels"] += bool(sc._orig_branch_labels)
                seen["effective heads"] += sc.is_head and not sc._is_real_head
                seen["depends_on on a label"] += any(
                    d not in ids for d in util.to_tuple(sc.dependencies, ()))
                seen["ids prefixing others"] += any(
                    o != sc.revision and o.startswith(sc.revision) for o in ids)
                with open(sc.path, "rb") as f:
                    data = f.read()
                seen["annotated files"] += b"revision: str" in data
                seen["multi-line tuples"] += b",  # parent" in data
                seen["CRLF files"] += b"\r\n" in data
                seen["files without docstring"] += not data.startswith(b'"""')
                seen["ids from file names"] += b"_unused = " in data
            seen["several locations"] += len(locations) > 1
            seen["recursive locations"] += recursive
            checks = [("history", False, None), ("history", True, None), ("heads", False, None),
                      ("heads", True, None), ("branches", False, None)]
            try:
                checks.append(("history", False, pick_range(rng, sd)))
            except Exception:
                skipped["ranges not picked"] += 1
            for what, verbose, rng_range in checks:
                ref_cwd = os.getcwd()
                os.chdir(root)
                try:
                    expected = reference(sd, what, verbose, rng_range)
                except util.CommandError as e:
                    expected = "ERROR " + str(e)
                except AssertionError:
                    # Alembic's own _topological_sort asserts on some ranges: counted
                    skipped["ranges Alembic asserts on"] += 1
                    continue
                finally:
                    os.chdir(ref_cwd)
                argv = [what] + (["-v"] if verbose else []) + (["-r", rng_range] if rng_range else [])
                rc, got, err = run_migtree(migtree, root, argv)
                if rc != 0:
                    # Alembic's line, byte for byte; migtree's "did you mean" follows it
                    err = "\n".join(l for l in err.splitlines() if not l.startswith("migtree: did you mean "))
                    got = "ERROR " + err.strip().replace("migtree: ", "", 1)
                compared += 1
                seen["ranges compared"] += rng_range is not None
                if got != expected:
                    failures += 1
                    print("FAIL case %d (seed %d): migtree %s" % (case, seed + case, " ".join(argv)))
                    import difflib
                    for line in difflib.unified_diff(expected.splitlines(), got.splitlines(),
                                                     "alembic", "migtree", lineterm="", n=2):
                        print("   " + line)
                    if keep:
                        dest = os.path.join(keep, "case%d" % case)
                        shutil.rmtree(dest, ignore_errors=True)
                        shutil.copytree(root, dest)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    print("covered: " + ", ".join("%d %s" % (v, k) for k, v in seen.items()))
    print("not compared: " + ", ".join("%d %s" % (v, k) for k, v in skipped.items()))
    print("%d comparisons over %d generated histories" % (compared, cases))
    uncovered = [k for k, v in seen.items() if v < 1]
    if uncovered or compared == 0:
        # a generator or seed change that stops making a feature must not pass quietly
        print("FAIL coverage: never compared: %s (raise --cases or fix the generator)"
              % (", ".join(uncovered) or "anything"))
        print("%d passed, %d failed" % (compared - failures, failures + 1))
        return 1
    print("%d passed, %d failed" % (compared - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
