"""checks.py SCENARIO OUT - what `migtree review --format json` must say about one
scenario of make-repos.sh; tests/review.test runs it, and its header states the
contract these checks hold the command to.

Environment: RV_REPO the repository the command ran in; RV_BASE and RV_HEAD the
refs it was given (RV_HEAD empty: the work tree); RV_EXIT its exit status;
RV_HEADS_AFTER (optional) the heads `migtree heads` prints on the merge made for
real, in Alembic's order; RV_MODE=heads when BASE and HEAD were revision heads.
Exits 0 when every check holds, 1 with one line saying which did not.
"""
import json
import os
import re
import subprocess
import sys

A, B, C = "a1b2c3d4e5f6", "b2c3d4e5f6a7", "c3d4e5f6a7b8"
D, E, F = "d4e5f6a7b8c9", "e5f6a7b8c9d0", "f6a7b8c9d0e1"
NEW = os.environ.get("MIGTREE_NEW_REVISION_ID", "0a1b2c3d4e5f")

REPO = os.environ.get("RV_REPO", ".")
BASE = os.environ.get("RV_BASE", "")
HEAD = os.environ.get("RV_HEAD", "")
EXIT = int(os.environ.get("RV_EXIT", "-1"))
MODE = os.environ.get("RV_MODE", "refs")

TOP = {"base", "head", "merge_base", "added", "changed", "deleted", "heads_after", "problems",
       "fixes", "clean"}
REV = {"revision", "path", "line", "down_revisions", "branch_labels", "message"}
PROBLEM = {"kind", "severity", "revision", "ref", "path", "line", "message", "side"}
FIX = {"kind", "revision", "parents", "command"}


class Fail(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Fail(what)


def same(got, want, what):
    if got != want:
        raise Fail("%s: got %r, expected %r" % (what, got, want))


def git(*args):
    r = subprocess.run(["git", "-C", REPO] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    need(r.returncode == 0, "git %s failed: %s" % (" ".join(args), r.stderr.decode().strip()))
    return r.stdout.decode("utf-8")


def commit_of(ref):
    return git("rev-parse", "--verify", "-q", ref + "^{commit}").strip()


def text_at(commit, path):
    """A file's text at COMMIT; None: in the work tree."""
    if commit is None:
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            return f.read()
    return git("show", "%s:%s" % (commit, path))


def revision_line(text, rev):
    for n, line in enumerate(text.split("\n"), 1):
        if re.match(r"revision\s*(:[^=]*)?=\s*['\"]%s['\"]" % re.escape(rev), line):
            return n
    raise Fail("no `revision = '%s'` line in the file" % rev)


def check_rev(r, commit, where):
    need(isinstance(r, dict) and REV <= set(r), "%s: a revision needs the keys %s: %r"
         % (where, sorted(REV), r))
    need(isinstance(r["down_revisions"], list) and isinstance(r["branch_labels"], list),
         "%s: down_revisions and branch_labels are lists: %r" % (where, r))
    need(isinstance(r["line"], int) and isinstance(r["message"], str), "%s: %r" % (where, r))
    if MODE != "refs":
        return
    # the path is the file's path in that commit, relative to the repository
    text = text_at(commit, r["path"])
    same(r["line"], revision_line(text, r["revision"]), "%s: %s's line" % (where, r["revision"]))


def schema(d):
    need(isinstance(d, dict), "stdout is not one JSON object")
    need(TOP <= set(d), "keys missing: %s" % sorted(TOP - set(d)))
    same(d["clean"], EXIT == 0, "clean (true exactly when the exit status is 0)")
    for p in d["problems"]:
        need(isinstance(p, dict) and PROBLEM <= set(p), "a problem needs %s: %r" % (sorted(PROBLEM), p))
        need(p["severity"] in ("error", "warning"), "severity: %r" % p)
        need(p["side"] in ("base", "head", "both"), "side: %r" % p)
        need(isinstance(p["message"], str) and p["message"], "message: %r" % p)
        if p["severity"] == "error":
            same(EXIT, 1, "exit status with an error problem (%s)" % p["kind"])
    for f in d["fixes"]:
        need(isinstance(f, dict) and FIX <= set(f), "a fix needs %s: %r" % (sorted(FIX), f))
        need(f["kind"] in ("merge", "rebase"), "fix kind: %r" % f)
        need(isinstance(f["parents"], list), "fix parents: %r" % f)
        need(f["command"].startswith("migtree ") and " review " in f["command"] and
             ("--fix " + f["kind"]) in f["command"], "fix command: %r" % f)
    need(isinstance(d["heads_after"], list) and all(isinstance(h, str) for h in d["heads_after"]),
         "heads_after: %r" % d["heads_after"])
    if MODE != "refs":
        return
    base_c = commit_of(BASE)
    head_c = commit_of(HEAD) if HEAD else None
    same(d["base"].get("ref"), BASE, "base.ref")
    same(d["base"].get("commit"), base_c, "base.commit")
    if HEAD:
        same(d["head"].get("ref"), HEAD, "head.ref")
    same(d["head"].get("commit"), head_c, "head.commit (null for the work tree)")
    mb = git("merge-base", base_c, head_c or "HEAD").strip()
    same(d["merge_base"], mb, "merge_base")
    at = {"base": base_c, "head": head_c}
    for group in ("added", "changed", "deleted"):
        for side in ("base", "head"):
            need(isinstance(d[group].get(side), list), "%s.%s is a list" % (group, side))
            for r in d[group][side]:
                check_rev(r, mb if group == "deleted" else at[side], "%s.%s" % (group, side))


# ---- helpers for the scenarios ----
def ids(revs):
    return sorted(r["revision"] for r in revs)


def sides(d, group):
    return ids(d[group]["base"]), ids(d[group]["head"])


def rev(d, group, side, rid):
    found = [r for r in d[group][side] if r["revision"] == rid]
    same(len(found), 1, "%s in %s.%s" % (rid, group, side))
    return found[0]


def nothing(d, *groups):
    for g in groups:
        same(sides(d, g), ([], []), g)


def kinds(d):
    return sorted(p["kind"] for p in d["problems"])


def problem(d, kind, revision=None, side=None, severity=None, mentions=()):
    found = [p for p in d["problems"] if p["kind"] == kind]
    same(len(found), 1, "number of %s problems (problems: %s)" % (kind, kinds(d)))
    p = found[0]
    if revision is not None:
        same(p["revision"], revision, kind + ".revision")
    if side is not None:
        same(p["side"], side, kind + ".side")
    if severity is not None:
        same(p["severity"], severity, kind + ".severity")
    for text in mentions:
        need(text in p["message"], "%s's message names %s: %r" % (kind, text, p["message"]))
    return p


def fix(d, kind):
    found = [f for f in d["fixes"] if f["kind"] == kind]
    same(len(found), 1, "number of %s fixes (fixes: %r)" % (kind, d["fixes"]))
    return found[0]


def heads(d, want):
    same(sorted(d["heads_after"]), sorted(want), "heads_after")
    real = os.environ.get("RV_HEADS_AFTER")
    if real:
        same(d["heads_after"], real.split(), "heads_after, in Alembic's order (the real merge)")


def status(d, want):
    same(EXIT, want, "exit status")


def two_heads_problem(d, parent, files=()):
    problem(d, "multiple_heads", side="both", mentions=(C, D, parent) + tuple(files))
    heads(d, [C, D])
    status(d, 1)


# ---- the scenarios ----
def two_heads(d):
    same(sides(d, "added"), ([C], [D]), "added")
    nothing(d, "changed", "deleted")
    same(kinds(d), ["multiple_heads"], "problem kinds")
    two_heads_problem(d, B, (C + "_add_orders.py", D + "_add_invoices.py"))
    m = fix(d, "merge")
    same(sorted(m["parents"]), [C, D], "merge fix parents")
    r = fix(d, "rebase")
    same((r["revision"], r["parents"]), (D, [C]), "rebase fix: HEAD's first new revision onto BASE's head")


def heads_mode(d):
    same(sides(d, "added"), ([C], [D]), "added")
    problem(d, "multiple_heads", side="both", mentions=(C, D, B))
    status(d, 1)


def clean_linear(d):
    same(sides(d, "added"), ([], [D]), "added")
    nothing(d, "changed", "deleted")
    heads(d, [D])
    same(d["problems"], [], "problems")
    same(d["fixes"], [], "fixes")
    status(d, 0)


def deleted_parent(d):
    same(sides(d, "deleted"), ([C], []), "deleted")
    r = rev(d, "deleted", "base", C)
    same((r["path"], r["down_revisions"]), ("alembic/versions/%s_add_orders.py" % C, [B]),
         "the deleted revision as it was at the merge base")
    same(sides(d, "added"), ([], [D]), "added")
    nothing(d, "changed")
    problem(d, "missing_down_revision", revision=D, side="head", severity="error", mentions=(C,))
    same(sorted(f["kind"] for f in d["fixes"]), ["rebase"], "fixes offered")
    r = fix(d, "rebase")
    same((r["revision"], r["parents"]), (D, [B]), "rebase fix onto BASE's head")
    status(d, 1)


def reparented_parent(d):
    same(sides(d, "added"), ([E], [D]), "added")
    same(sides(d, "changed"), ([C], []), "changed")
    same(rev(d, "changed", "base", C)["down_revisions"], [E], "the re-parented revision, as BASE has it")
    nothing(d, "deleted")
    same(kinds(d), ["parent_changed"], "problem kinds")
    problem(d, "parent_changed", revision=D, side="head", severity="warning", mentions=(C,))
    heads(d, [D])
    status(d, 0)


def same_id_both(d):
    same(sides(d, "added"), ([C], [C]), "added")
    same(rev(d, "added", "base", C)["path"], "alembic/versions/%s_add_orders.py" % C, "base's file")
    same(rev(d, "added", "head", C)["path"], "alembic/versions/%s_add_invoices.py" % C, "head's file")
    problem(d, "duplicate_revision", revision=C, side="both", severity="error",
            mentions=(C + "_add_orders.py", C + "_add_invoices.py"))
    status(d, 1)


def label_both(d):
    same(sides(d, "added"), ([C], [D]), "added")
    same(rev(d, "added", "base", C)["branch_labels"], ["reporting"], "base's labels")
    same(rev(d, "added", "head", D)["branch_labels"], ["reporting"], "head's labels")
    problem(d, "branch_label_conflict", side="both", severity="error", mentions=("reporting",))
    status(d, 1)


def renamed_file(d):
    same(sides(d, "added"), ([], [D]), "added (a renamed file is no new revision)")
    nothing(d, "changed", "deleted")
    heads(d, [D])
    same(d["problems"], [], "problems")
    status(d, 0)


def already_merged(d):
    same(d["merge_base"], commit_of(BASE), "merge_base (feature contains main)")
    same(sides(d, "added"), ([], [D, E]), "added")
    nothing(d, "changed", "deleted")
    same(rev(d, "added", "head", E)["down_revisions"], [C, D], "the merge revision's parents")
    heads(d, [E])
    same(d["problems"], [], "problems")
    same(d["fixes"], [], "fixes")
    status(d, 0)


def nested_locations(d):
    same(sides(d, "added"), ([C], [D]), "added (not the attic's %s)" % E)
    same(rev(d, "added", "base", C)["path"], "alembic/versions/2025/q1/%s_add_orders.py" % C, "C's path")
    same(rev(d, "added", "head", D)["path"], "modules/billing/migrations/2025/01/%s_add_invoices.py" % D,
         "D's path")
    nothing(d, "changed", "deleted")
    two_heads_problem(d, F)


def config_changed(d):
    same(sides(d, "added"), ([C], [D]), "added (D only in feature's own version location)")
    same(rev(d, "added", "head", D)["path"], "reporting/versions/%s_reporting_tables.py" % D, "D's path")
    nothing(d, "changed", "deleted")
    two_heads_problem(d, B)


def published_edit(d):
    same(d["merge_base"], commit_of(BASE), "merge_base")
    same(sides(d, "added"), ([], [E]), "added")
    same(sides(d, "changed"), ([], [C]), "changed")
    same(rev(d, "changed", "head", C)["down_revisions"], [E], "C as HEAD has it")
    nothing(d, "deleted")
    same(kinds(d), ["published_edit"], "problem kinds")
    problem(d, "published_edit", revision=C, side="head", severity="error")
    heads(d, [C])
    status(d, 1)


def published_delete(d):
    same(sides(d, "added"), ([], [D]), "added")
    same(sides(d, "deleted"), ([], [C]), "deleted")
    same(rev(d, "deleted", "head", C)["down_revisions"], [B], "C as it was at the merge base")
    nothing(d, "changed")
    problem(d, "published_edit", revision=C, side="head", severity="error")
    heads(d, [D])
    status(d, 1)


def worktree(d):
    same(d["head"].get("commit"), None, "head.commit for the work tree")
    two_heads(d)


def github_escaping(d):
    same(sides(d, "added"), ([C], [D]), "added")
    same(rev(d, "added", "head", D)["path"], "alembic/versions/%s_50%%_off,sale.py" % D, "D's path")
    two_heads_problem(d, B)


def after_fix_merge(d):
    same(sides(d, "added"), ([C], sorted([D, NEW])), "added (the merge revision on HEAD)")
    same(sorted(rev(d, "added", "head", NEW)["down_revisions"]), [C, D], "the merge revision's parents")
    heads(d, [NEW])
    same(d["problems"], [], "problems")
    status(d, 0)


def after_fix_rebase(d):
    same(sides(d, "added"), ([C], [D]), "added")
    same(rev(d, "added", "head", D)["down_revisions"], [C], "D after the rebase")
    heads(d, [D])
    same(d["problems"], [], "problems")
    status(d, 0)


def main():
    name, out = sys.argv[1], sys.argv[2]
    raw = open(out, "rb").read()
    try:
        d = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        err = os.environ.get("RV_STDERR", "")
        print("# no JSON on stdout (%s); exit %d, stderr: %s" % (e, EXIT, err))
        return 1
    try:
        schema(d)
        globals()[name.replace("-", "_")](d)
    except Fail as e:
        print("# %s: %s" % (name, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
