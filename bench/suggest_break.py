#!/usr/bin/env python3
"""suggest_break.py - break parent links of a generated project (suggest_history.py)
the ways links really break, and record the truth: the parent a person who knows
the history would restore.

  typo      one character of one down_revision changed (a text no revision has);
            the docstring's Revises: changed the same way in half the cases, left
            as it was in the others
  filename  the parent named by its file name stem instead of its id (the
            docstring likewise in half the cases)
  deleted   the parent's file removed; each child that named it is a break, whose
            truth is the deleted revision's own first parent
  cut       down_revision = None on a revision with one parent; the truth is that
            parent (the docstring's Revises: emptied in half the cases)

Which revisions break is drawn from the project's model, so the choice needs no
file parsing; several breaks at once never touch each other's revisions, parents
or truths, so each is scored as if it were alone. How a break reaches the
project (left in the work tree, the same without .git, committed on top as "fix
migrations") is `variants`' business; the same breaks serve every variant, so
comparing variants isolates what git history adds.
"""
import os
import re

from suggest_history import git, py_ids, render

KINDS = ("typo", "filename", "deleted", "cut")
VARIANTS = ("committed", "uncommitted", "no-git")
HEX = "0123456789abcdef"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Break:
    """One broken link: REVISION's problem is scored, its down_revision names REF
    now (None for a cut), TRUTH is the right parent. NOTE says how it broke."""

    def __init__(self, kind, revision, ref, truth, note):
        self.kind, self.revision, self.ref, self.truth, self.note = kind, revision, ref, truth, note


class Plan:
    """The breaks and the file edits that make them: path -> new text, None to delete."""

    def __init__(self):
        self.breaks, self.edits, self.touched = [], {}, set()


def set_down(text, ids):
    return re.sub(r"^(down_revision(?:: [^=\n]*)? = ).*$", lambda m: m.group(1) + py_ids(ids), text,
                  count=1, flags=re.M)


def set_revises(text, ids):
    return re.sub(r"^Revises: .*$", "Revises: " + ", ".join(ids), text, count=1, flags=re.M)


def typo(rid, taken, rng):
    """RID with one character changed into another of its class, naming nothing."""
    for _ in range(100):
        i = rng.randrange(len(rid))
        c = rid[i]
        pool = HEX if c in HEX and all(ch in HEX for ch in rid) else \
            "0123456789" if c.isdigit() else LETTERS if c.isalpha() else None
        if pool is None:
            continue
        t = rid[:i] + rng.choice(pool.replace(c, "")) + rid[i + 1:]
        if t not in taken:
            return t
    raise RuntimeError("no typo for %s" % rid)


def relink(p, plan, kind, rev, k, new, rng):
    """REV's K-th parent becomes NEW (None: the link cut); the docstring follows in
    half the cases."""
    old = rev.down[k]
    down = [] if new is None else rev.down[:k] + [new] + rev.down[k + 1:]
    text = set_down(render(p, rev), down)
    doc = "Revises: left as it was"
    if rng.random() < 0.5:
        if old in rev.doc_revises:
            revises = [] if new is None else [new if d == old else d for d in rev.doc_revises]
            text = set_revises(text, revises)
            doc = "Revises: changed too"
        else:
            doc = "Revises: stale (a rebase), left"
    plan.edits[rev.path] = text
    plan.breaks.append(Break(kind, rev.id, new, old, doc))


def candidates(p, kind, rng):
    """Revisions KIND can break, in random order, each with the ids it involves."""
    kids = p.children()
    depended = {d for r in p.revs for d in r.depends}
    out = []
    for r in p.revs:
        if kind == "cut" and len(r.down) == 1 and not r.labels:
            out.append((r, {r.id, r.down[0]}))
        elif kind in ("typo", "filename") and r.down:
            out.append((r, {r.id} | set(r.down)))
        elif kind == "deleted" and r.down and kids[r.id] and r.id not in depended:
            out.append((r, {r.id, r.down[0]} | set(kids[r.id])))
    rng.shuffle(out)
    return out, kids


def choose(p, kind, count, rng):
    """A Plan of COUNT breaks of KIND (fewer if the history has too few apart)."""
    plan = Plan()
    pool, kids = candidates(p, kind, rng)
    for r, involved in pool:
        if len(plan.edits) >= count:    # one edited or deleted file per break
            break
        if involved & plan.touched:
            continue
        plan.touched |= involved
        if kind == "deleted":
            plan.edits[r.path] = None
            for c in kids[r.id]:
                plan.breaks.append(Break(kind, c, r.id, r.down[0], "deleted %s" % r.id))
            continue
        k = rng.randrange(len(r.down))
        if kind == "typo":
            relink(p, plan, kind, r, k, typo(r.down[k], p.by_id, rng), rng)
        elif kind == "filename":
            relink(p, plan, kind, r, k, p.by_id[r.down[k]].stem(), rng)
        else:
            relink(p, plan, kind, r, 0, None, rng)
    return plan


def variants(p, plan):
    """Put PLAN's breaks into the project in place, once per VARIANT in turn, and
    yield each variant's name while the project is in that state: left in the
    work tree, then the same files with .git moved away, then committed on top as
    "fix migrations". The project is as generated again at the end (git restores
    it: copying a project per variant cost more than everything else)."""
    for path, text in sorted(plan.edits.items()):
        full = os.path.join(p.root, path)
        if text is None:
            os.remove(full)
        else:
            with open(full, "w") as f:
                f.write(text)
    yield "uncommitted"
    dot_git, away = os.path.join(p.root, ".git"), p.root + ".git-away"
    os.rename(dot_git, away)
    try:
        yield "no-git"
    finally:
        os.rename(away, dot_git)
    when = "%d +0000" % (p.last_time + 3600)
    who = dict(GIT_AUTHOR_NAME="Emil Berg", GIT_AUTHOR_EMAIL="emil@example.com", GIT_AUTHOR_DATE=when,
               GIT_COMMITTER_NAME="Emil Berg", GIT_COMMITTER_EMAIL="emil@example.com", GIT_COMMITTER_DATE=when)
    git(p.root, "commit", "-q", "-a", "-m", "fix migrations", env=who)
    yield "committed"
    git(p.root, "reset", "-q", "--hard", "HEAD~1")
