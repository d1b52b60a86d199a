#!/usr/bin/env python3
"""suggest_accuracy.py - how often migtree's first repair suggestion is right
(issue 12): generated histories in git repositories (suggest_history.py), broken
the ways links really break (suggest_break.py), `migtree check --format json` on
each, and `candidates[0]` of the problem about each broken revision compared with
the truth.

Usage: suggest_accuracy.py --migtree BIN [--seeds 1-6] [--sizes 30-500]
                           [--shapes linear,branchy,merge-heavy,labelled]
                           [--kinds typo,filename,deleted,cut] [--details]
                           [--floor KIND=PCT ...] [-j N] [--work DIR]

Per seed and shape one history (its size drawn from --sizes; a third of them with
numbered ids such as `007_add_users`); per history and kind, one break and 2-3
breaks, each applied three ways: committed on top ("fix migrations"), left in the
work tree, and with no .git at all. Each broken link is scored:

  typo, filename, deleted  the missing_down_revision problem whose revision is the
                 broken one and whose ref is the text it now names: candidates[0]
  cut            the first multiple_bases or disconnected_component problem about
                 the cut revision with candidates: candidates[0]. (A loose piece's
                 problem names its first file, which is seldom the cut revision;
                 its set_down fix for the cut revision is shown with the miss by
                 --details, not scored: `candidates` is what the explorer's
                 picker stars.)

A break with no such problem is a miss ("no problem"), as is one with no
candidate ("no candidate"). The table prints right/total per kind and variant;
--details lists each miss (expected, what came first, the truth's rank, and the
reasons migtree gave). Exit status: 0; 2 on a harness error (a history that
could not be made, migtree exiting other than 0/1, output that is no JSON, a
sanitizer report); with --floor, 1 when a kind is below its floor, when a
missing_down_revision break has no problem at all, or when nothing was scored.
"""
import argparse
import concurrent.futures
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from suggest_break import KINDS, VARIANTS, choose, variants  # noqa: E402
from suggest_history import SHAPES, clean_env, generate      # noqa: E402

TARGET = 95.0        # issue 12: first candidate right for >= 95% of each kind
COUNTS = (("one", 1), ("several", None))   # None: 2 or 3, drawn per plan
SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


class HarnessError(Exception):
    pass


def id_range(text):
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def histories(args):
    """(shape, seed, n, numbered) per history, the same for the same arguments."""
    lo, _, hi = args.sizes.partition("-")
    out = []
    for seed in args.seeds:
        for k, shape in enumerate(args.shapes):
            n = random.Random("size:%s:%d" % (shape, seed)).randint(int(lo), int(hi or lo))
            out.append((shape, seed, n, (seed + k) % 3 == 2))
    return out


# ---- one case ------------------------------------------------------------------

def run_migtree(migtree, cwd, ceiling):
    env = clean_env(dict(GIT_CEILING_DIRECTORIES=ceiling))  # no-git must find no repository above
    r = subprocess.run([migtree, "check", "--format", "json"], cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    err = r.stderr.decode(errors="replace")
    if r.returncode not in (0, 1) or any(s in err for s in SANITIZER):
        raise HarnessError("%s: migtree check exited %d\n%s" % (cwd, r.returncode, err[-3000:]))
    try:
        return json.loads(r.stdout)["problems"]
    except (ValueError, KeyError) as e:
        raise HarnessError("%s: check --format json: %s" % (cwd, e))


def set_down_fixes(problem, revision):
    return [f for f in problem.get("fixes", [])
            if f["kind"] == "set_down" and f.get("target") == revision and f["parents"]]


def answer(problems, b):
    """(the problem scored, the ranked parents it offers) for break B; (None, [])
    when migtree reports no problem about it."""
    if b.kind != "cut":
        for pr in problems:
            if pr["kind"] == "missing_down_revision" and pr["revision"] == b.revision and pr["ref"] == b.ref:
                return pr, list(pr["candidates"])
        return None, []
    about = [pr for pr in problems if pr["kind"] in ("multiple_bases", "disconnected_component")
             and pr["revision"] == b.revision]
    for pr in about:
        if pr["candidates"]:
            return pr, list(pr["candidates"])
    return (about[0] if about else None), []


def elsewhere(problems, b, scored):
    """A set_down fix for B's revision on another problem than SCORED (a loose
    piece's problem names its first file, and offers its root's re-parenting as a
    fix): (problem kind, parent), or None. Shown with a miss, not scored."""
    for pr in problems:
        if pr is not scored:
            for f in set_down_fixes(pr, b.revision):
                return pr["kind"], pr["revision"], f["parents"][0], f["reason"]
    return None


def score(problems, b, where):
    pr, ranked = answer(problems, b)
    got = ranked[0] if ranked else None
    outcome = "right" if got == b.truth else "no problem" if pr is None else \
        "no candidate" if got is None else "wrong"
    reasons = ["%s: %s" % (f["parents"][0], f["reason"]) for f in set_down_fixes(pr, b.revision)] if pr else []
    return dict(kind=b.kind, revision=b.revision, ref=b.ref, truth=b.truth, note=b.note, got=got,
                outcome=outcome, rank=(ranked.index(b.truth) + 1) if b.truth in ranked else None,
                problem=pr["kind"] if pr else None, reasons=reasons, where=where,
                elsewhere=elsewhere(problems, b, pr) if outcome != "right" else None)


def run_history(args, h, work):
    """Make history H, break it every way, score each break: (project, results)."""
    p = make_history(work, h)
    results = []
    for kind in args.kinds:
        for count_name, _ in COUNTS:
            rng = random.Random("break:%s:%d:%s:%s" % (p.shape, p.seed, kind, count_name))
            count = 1 if count_name == "one" else rng.randint(2, 3)
            plan = choose(p, kind, count, rng)
            for variant in variants(p, plan):
                problems = run_migtree(args.migtree, p.root, work)
                where = "%s seed %d (%d revisions%s), %s, %s" % (
                    p.shape, p.seed, len(p.revs), ", numbered ids" if p.numbered else "", variant,
                    "1 break" if count == 1 else "%d breaks" % count)
                scored = [dict(score(problems, b, where), variant=variant, count=count_name, case=None)
                          for b in plan.breaks]
                if args.keep and any(r["outcome"] != "right" for r in scored):
                    case = "%s-%s-%s-%s" % (os.path.basename(p.root), kind, count_name, variant)
                    keep(p.root, os.path.join(work, "misses", case), variant)
                    for r in scored:
                        r["case"] = os.path.join(work, "misses", case)
                results.extend(scored)
    return p, results


def keep(root, dest, variant):
    """A copy of the broken project for --details to point at."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root, dest, symlinks=True,
                    ignore=shutil.ignore_patterns(".git") if variant == "no-git" else None)


# ---- the table -----------------------------------------------------------------

def pct(right, total):
    return 100.0 * right / total if total else 0.0


def cell(rows):
    right = sum(1 for r in rows if r["outcome"] == "right")
    return "%d/%d %3.0f%%" % (right, len(rows), pct(right, len(rows))) if rows else "-"


def table(results, projects, args):
    lines = []
    st = [p.stats() for p in projects]
    sizes = [s["revisions"] for s in st]
    lines.append("%d histories (%s), %d-%d revisions (median %d), %d with numbered ids; "
                 "parent links to a newer revision %.0f-%.0f%% per history"
                 % (len(projects), ", ".join("%d %s" % (sum(1 for p in projects if p.shape == s), s)
                                              for s in args.shapes),
                    min(sizes), max(sizes), statistics.median(sizes), sum(1 for p in projects if p.numbered),
                    min(s["newer_pct"] for s in st), max(s["newer_pct"] for s in st)))
    cols = [(v, c) for v in VARIANTS for c, _ in COUNTS]
    fmt = "%-9s" + " %14s" * (len(cols) + 1) + "  %s"
    lines.append(fmt % (("",) + tuple(v for v, c in cols) + ("all", "target")))
    lines.append(fmt % (("kind",) + tuple("1 break" if c == "one" else "2-3 breaks" for v, c in cols)
                        + ("", "")))
    for kind in args.kinds:
        rows = [r for r in results if r["kind"] == kind]
        right = sum(1 for r in rows if r["outcome"] == "right")
        ok = pct(right, len(rows)) >= TARGET
        lines.append(fmt % ((kind,) + tuple(cell([r for r in rows if (r["variant"], r["count"]) == vc])
                                            for vc in cols)
                            + (cell(rows), ("ok  " if ok else "MISS") + " >= %.0f%%" % TARGET)))
    lines.append(fmt % (("overall",) + tuple(cell([r for r in results if (r["variant"], r["count"]) == vc])
                                             for vc in cols) + (cell(results), "")))
    return lines


def details(results):
    lines = []
    for r in results:
        if r["outcome"] == "right":
            continue
        lines.append("MISS %s: %s in %s (%s)" % (r["kind"], r["revision"], r["where"], r["note"]))
        lines.append("  down_revision names %s; expected %s; %s" % (
            "None" if r["ref"] is None else r["ref"], r["truth"],
            "no problem about it" if r["outcome"] == "no problem" else
            "%s offers no candidate" % r["problem"] if r["outcome"] == "no candidate" else
            "%s offers %s first, the expected parent %s" % (
                r["problem"], r["got"], "at rank %d" % r["rank"] if r["rank"] else "not at all")))
        for reason in r["reasons"]:
            lines.append("    " + reason)
        if r["elsewhere"]:
            lines.append("  %s about %s re-parents it onto %s first (%s)" % r["elsewhere"])
        if r["case"]:
            lines.append("  kept: " + r["case"])
    return lines


def floors(args, results):
    """The failures of --floor: each kind below its floor, a missing parent
    without its problem, nothing scored."""
    bad = []
    if not results:
        bad.append("no break was scored")
    if results and all(r["outcome"] == "no problem" for r in results):
        bad.append("migtree reported a problem for none of the breaks")
    for r in results:
        if r["kind"] != "cut" and r["outcome"] == "no problem":
            bad.append("no missing_down_revision for %s (%s) in %s" % (r["revision"], r["kind"], r["where"]))
    for spec in args.floor:
        what, _, floor = spec.partition("=")
        kind, _, variant = what.partition("@")
        rows = [r for r in results if r["kind"] == kind and
                (not variant or r["variant"] == variant or (variant == "git" and r["variant"] != "no-git"))]
        got = pct(sum(1 for r in rows if r["outcome"] == "right"), len(rows))
        if not rows:
            bad.append("%s: no break scored" % what)
        elif got < float(floor):
            bad.append("%s: %.1f%% right, below the floor of %s%%" % (what, got, floor))
    return bad


# ---- main ------------------------------------------------------------------------

def make_history(work, h):
    shape, seed, n, numbered = h
    root = os.path.join(work, "history-%s-%d-%d%s" % (shape, seed, n, "-numbered" if numbered else ""))
    shutil.rmtree(root, ignore_errors=True)
    return generate(root, shape, seed, n, numbered)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--migtree", required=True)
    ap.add_argument("--seeds", type=id_range, default=id_range("1-6"))
    ap.add_argument("--sizes", default="30-500")
    ap.add_argument("--shapes", type=lambda s: s.split(","), default=list(SHAPES))
    ap.add_argument("--kinds", type=lambda s: s.split(","), default=list(KINDS))
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--floor", action="append", default=[], metavar="KIND[@VARIANT]=PCT",
                    help="fail below PCT for KIND; @VARIANT: only committed, uncommitted, no-git, "
                    "or git (both of the first two)")
    ap.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--work", help="work here, and keep the histories and a copy of each broken "
                    "project with a miss (default: a temporary directory)")
    args = ap.parse_args(argv)
    for s in args.shapes:
        if s not in SHAPES:
            ap.error("no shape %s (%s)" % (s, ", ".join(SHAPES)))
    for k in args.kinds + [f.partition("=")[0].partition("@")[0] for f in args.floor]:
        if k not in KINDS:
            ap.error("no kind %s (%s)" % (k, ", ".join(KINDS)))
    for f in args.floor:
        v = f.partition("=")[0].partition("@")[2]
        if v and v not in VARIANTS + ("git",):
            ap.error("no variant %s (%s, git)" % (v, ", ".join(VARIANTS)))
    args.migtree = os.path.abspath(args.migtree)
    args.keep = bool(args.work)
    return args


def main(argv):
    args = parse_args(argv)
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="migtree-suggest-")
    os.makedirs(work, exist_ok=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            done = list(pool.map(lambda h: run_history(args, h, work), histories(args)))
        projects = [p for p, _ in done]
        results = [r for _, rs in done for r in rs]
    except (HarnessError, subprocess.SubprocessError, RuntimeError, OSError) as e:
        print("suggest_accuracy: %s" % e, file=sys.stderr)
        return 2
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("first candidate right (candidates[0] of `migtree check --format json`), seeds %s"
          % ",".join(str(s) for s in args.seeds))
    print("\n".join(table(results, projects, args)))
    if args.details:
        print("\n".join(details(results)))
    bad = floors(args, results) if args.floor else []
    for b in bad:
        print("FAIL " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
