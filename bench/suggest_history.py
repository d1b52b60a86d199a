#!/usr/bin/env python3
"""suggest_history.py - real-shaped Alembic projects, built in git as a team builds
them, for measuring migtree's repair suggestions (bench/suggest_accuracy.py).

Why simulate a team instead of writing files: the signals a person uses to repair
a broken link (git's record of the line, which revision lost its child, the
docstring's `Revises:`, Create Date) are only as informative as they are in real
projects, and there they are shaped by how work lands. Feature branches fork from
main; one that lands after main moved on is either rebased (its first revision's
down_revision rewritten to main's tip, its Create Date kept, the docstring's
`Revises:` sometimes left stale) or joined by an `alembic merge` revision. Rebased
branches are what make 13-28% of parent links point to a newer revision in
healthy projects (issue 12), so Create Date cannot be the first rule.

The shapes:
  linear       features land by rebase only: one line, dates out of order
  branchy      many features in parallel, landed by rebase or merge
  merge-heavy  features land by `alembic merge` (now and then two at once)
  labelled     a main line plus separate branches with branch_labels (a second
               base, or a fork of main), some revisions depends_on main's

Ids are 12 hex digits as `alembic revision` makes them, or, in some projects,
numbered slugs (`007_add_users`); files are `<id>_<slug>.py` with the headers and
module variables of Alembic's generic template (the classic one, or the typed one
of Alembic 1.11 and later). Git history is written in one `git fast-import`
stream (one commit per revision, merge commits, rebased commits replayed on main,
fixed identities and dates): seeded and deterministic, the same repository on
every run.

The model (struct-like Rev objects) is what breakers and the runner read; the
files on disk are rendered from it and checked against it after checkout.

Usage, to look at one history:
  suggest_history.py DIR SHAPE SEED N [--numbered]
prints what it made: revisions, merges, bases, links pointing to a newer revision.
"""
import datetime
import os
import random
import re
import subprocess
import sys

SHAPES = {
    # feature: share of new revisions made on a feature branch rather than main;
    # land: chance a step lands an open feature instead of writing a revision;
    # merge: share of features landing after main moved that get an alembic merge
    # (the rest are rebased); parallel: open features at most; labels: labelled
    # alembic branches
    "linear": dict(feature=0.45, land=0.35, merge=0.0, parallel=2, labels=0),
    "branchy": dict(feature=0.55, land=0.35, merge=0.35, parallel=3, labels=0),
    "merge-heavy": dict(feature=0.6, land=0.35, merge=0.5, parallel=3, labels=0),
    "labelled": dict(feature=0.45, land=0.35, merge=0.3, parallel=2, labels=2),
}
STALE_REVISES = 0.3       # a rebase leaves the docstring's Revises: as it was
# Alembic writes Create Date in the developer's local time: a team across time
# zones is another source of parents newer than their children
DEVELOPERS = ("Ana Ruiz <ana@example.com>", "Bo Chen <bo@example.com>",
              "Chidi Okafor <chidi@example.com>", "Dana Levi <dana@example.com>",
              "Emil Berg <emil@example.com>")
UTC_OFFSET = {"Ana Ruiz <ana@example.com>": 0, "Bo Chen <bo@example.com>": 1,
              "Chidi Okafor <chidi@example.com>": 1, "Dana Levi <dana@example.com>": 3,
              "Emil Berg <emil@example.com>": -6}
TABLES = ("users", "orders", "invoices", "payments", "audit_log", "sessions", "tenants", "roles",
          "permissions", "api_keys", "webhooks", "products", "carts", "shipments", "reports",
          "notifications", "comments", "tags", "settings", "events")
COLUMNS = ("email", "status", "created_at", "tenant_id", "deleted_at", "name", "amount",
           "currency", "external_id", "priority")
LABELS = ("audit", "reporting", "billing", "search")
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "TZ": "UTC"}
VERSIONS = "migrations/versions"


class Rev:
    """One revision as its file says it (down, doc_revises) and where it lives."""

    def __init__(self, rid, message, slug, down, date, merge=False):
        self.id, self.message, self.slug = rid, message, slug
        self.down = list(down)            # down_revision, in order
        self.doc_revises = list(down)     # the docstring's Revises: (may go stale)
        self.labels, self.depends = (), []
        self.date, self.merge = date, merge
        self.path = "%s/%s_%s.py" % (VERSIONS, rid, slug)

    def stem(self):
        return os.path.basename(self.path)[:-3]


class Project:
    """A generated project: ROOT on disk, REVS in creation order, BY_ID."""

    def __init__(self, root, shape, seed, n, numbered, typed):
        self.root, self.shape, self.seed, self.n = root, shape, seed, n
        self.numbered, self.typed = numbered, typed
        self.revs, self.by_id = [], {}
        self.last_time = 0   # the newest git timestamp, for commits made later

    def children(self):
        kids = {r.id: [] for r in self.revs}
        for r in self.revs:
            for d in r.down:
                kids[d].append(r.id)
        return kids

    def stats(self):
        links = [(r, self.by_id[d]) for r in self.revs for d in r.down]
        newer = sum(1 for r, p in links if p.date > r.date)
        return dict(revisions=len(self.revs), merges=sum(1 for r in self.revs if r.merge),
                    bases=sum(1 for r in self.revs if not r.down), links=len(links),
                    newer=newer, newer_pct=100.0 * newer / max(1, len(links)))


# ---- the files ------------------------------------------------------------------

def slugify(message):
    """Alembic's slug: the words, joined by `_`, lowercased, cut to 40 characters."""
    slug = "_".join(re.findall(r"\w+", message)).lower()
    if len(slug) > 40:
        slug = slug[:40].rsplit("_", 1)[0] + "_"
    return slug


def py_ids(ids):
    if not ids:
        return "None"
    return repr(ids[0]) if len(ids) == 1 else "(%s)" % ", ".join(repr(i) for i in ids)


def body(rev, rng):
    if rev.merge:
        return "    pass\n", "    pass\n"
    m = re.match(r"(\w+) (.*)", rev.message)
    table = next((t for t in TABLES if t in rev.message), "users")
    col = next((c for c in COLUMNS if c in rev.message), "name")
    verb = m.group(1) if m else "add"
    if verb == "create":
        up = ("    op.create_table(\n        '%s',\n        sa.Column('id', sa.Integer(), nullable=False),\n"
              "        sa.Column('created_at', sa.DateTime(), nullable=True),\n"
              "        sa.PrimaryKeyConstraint('id'),\n    )\n" % table)
        down = "    op.drop_table('%s')\n" % table
    elif verb == "index":
        name = "ix_%s_%s" % (table, col)
        up = "    op.create_index('%s', '%s', ['%s'], unique=False)\n" % (name, table, col)
        down = "    op.drop_index('%s', table_name='%s')\n" % (name, table)
    elif verb == "backfill":
        up = "    op.execute(\"UPDATE %s SET %s = '' WHERE %s IS NULL\")\n" % (table, col, col)
        down = "    pass\n"
    else:
        kind = rng.choice(("sa.String(length=255)", "sa.Integer()", "sa.DateTime()", "sa.Boolean()"))
        up = "    op.add_column('%s', sa.Column('%s', %s, nullable=True))\n" % (table, col, kind)
        down = "    op.drop_column('%s', '%s')\n" % (table, col)
    marks = "    # ### commands auto generated by Alembic - please adjust! ###\n"
    end = "    # ### end Alembic commands ###\n"
    return marks + up + end, marks + down + end


def render(p, rev):
    """The file as Alembic's generic template writes it (classic or typed)."""
    rng = random.Random("%s:%s" % (p.seed, rev.id))   # the body depends on nothing else
    up, down = body(rev, rng)
    head = ('"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n"""\n'
            % (rev.message, rev.id, ", ".join(rev.doc_revises), rev.date.strftime("%Y-%m-%d %H:%M:%S.%f")))
    labels = py_ids(list(rev.labels)) if len(rev.labels) != 1 else "(%r,)" % rev.labels[0]
    deps = py_ids(rev.depends)
    if p.typed:
        return (head + "from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n"
                "# revision identifiers, used by Alembic.\n"
                "revision: str = %r\ndown_revision: Union[str, None] = %s\n"
                "branch_labels: Union[str, Sequence[str], None] = %s\n"
                "depends_on: Union[str, Sequence[str], None] = %s\n\n\n"
                "def upgrade() -> None:\n%s\n\ndef downgrade() -> None:\n%s"
                % (rev.id, py_ids(rev.down), labels, deps, up, down))
    return (head + "from alembic import op\nimport sqlalchemy as sa\n\n\n"
            "# revision identifiers, used by Alembic.\n"
            "revision = %r\ndown_revision = %s\nbranch_labels = %s\ndepends_on = %s\n\n\n"
            "def upgrade():\n%s\n\ndef downgrade():\n%s"
            % (rev.id, py_ids(rev.down), labels, deps, up, down))


SCAFFOLD = {
    "alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\nfile_template = %%(rev)s_%%(slug)s\n"
                   "sqlalchemy.url = sqlite:///app.db\n\n[loggers]\nkeys = root\n\n[handlers]\nkeys = console\n\n"
                   "[formatters]\nkeys = generic\n\n[logger_root]\nlevel = WARN\nhandlers = console\n\n"
                   "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nformatter = generic\n\n"
                   "[formatter_generic]\nformat = %%(levelname)-5.5s [%%(name)s] %%(message)s\n",
    "migrations/env.py": "from logging.config import fileConfig\n\nfrom alembic import context\n"
                         "from sqlalchemy import engine_from_config, pool\n\nconfig = context.config\n"
                         "fileConfig(config.config_file_name)\ntarget_metadata = None\n\n\n"
                         "def run_migrations_online():\n    engine = engine_from_config(\n"
                         "        config.get_section(config.config_ini_section), prefix='sqlalchemy.',\n"
                         "        poolclass=pool.NullPool)\n    with engine.connect() as connection:\n"
                         "        context.configure(connection=connection, target_metadata=target_metadata)\n"
                         "        with context.begin_transaction():\n            context.run_migrations()\n\n\n"
                         "run_migrations_online()\n",
    "migrations/script.py.mako": '"""${message}\n\nRevision ID: ${up_revision}\nRevises: ${down_revision | comma,n}\n'
                                 'Create Date: ${create_date}\n\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n'
                                 '${imports if imports else ""}\n\n# revision identifiers, used by Alembic.\n'
                                 'revision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n'
                                 'branch_labels = ${repr(branch_labels)}\ndepends_on = ${repr(depends_on)}\n\n\n'
                                 'def upgrade():\n    ${upgrades if upgrades else "pass"}\n\n\n'
                                 'def downgrade():\n    ${downgrades if downgrades else "pass"}\n',
    "migrations/README": "Generic single-database configuration.\n",
}


# ---- git: one fast-import stream --------------------------------------------------

class Stream:
    """The fast-import commands, marks for commits, and each ref's last mark."""

    def __init__(self):
        self.parts, self.mark, self.tip = [], 0, {}

    def data(self, text):
        b = text.encode()
        self.parts.append(b"data %d\n" % len(b) + b + b"\n")

    def commit(self, ref, who, when, message, changes, merge=(), base=None):
        """A commit on REF: CHANGES is [(path, text or None to delete)]."""
        self.mark += 1
        stamp = "%s %d +0000" % (who, when)
        self.parts.append(("commit refs/heads/%s\nmark :%d\nauthor %s\ncommitter %s\n"
                           % (ref, self.mark, stamp, stamp)).encode())
        self.data(message + "\n")
        start = base if base is not None else self.tip.get(ref)
        if start is not None:
            self.parts.append(b"from :%d\n" % start)
        for m in merge:
            self.parts.append(b"merge :%d\n" % m)
        for path, text in changes:
            if text is None:
                self.parts.append(("D %s\n" % path).encode())
            else:
                self.parts.append(("M 100644 inline %s\n" % path).encode())
                self.data(text)
        self.parts.append(b"\n")
        self.tip[ref] = self.mark
        return self.mark

    def reset(self, ref, mark):
        self.parts.append(b"reset refs/heads/%s\nfrom :%d\n\n" % (ref.encode(), mark))
        self.tip[ref] = mark


def clean_env(extra=None):
    """The environment for git and for migtree: no user or system git
    configuration, and no repository or index named from outside (a hook running
    `make check` sets GIT_DIR)."""
    e = dict(os.environ, **GIT_ENV)
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"):
        e.pop(k, None)
    e.update(extra or {})
    return e


def git(root, *args, env=None, stdin=None):
    e = clean_env(env)
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false",
                    "-c", "commit.gpgsign=false", "-c", "gc.auto=0"] + list(args),
                   cwd=root, env=e, input=stdin, check=True, stdout=subprocess.DEVNULL)


# ---- the team -------------------------------------------------------------------

class Team:
    """Work as it lands: RNG decides, P (a Project) records, S (a Stream) commits."""

    def __init__(self, p, rng):
        self.p, self.rng, self.s = p, rng, Stream()
        self.cfg = SHAPES[p.shape]
        self.now = datetime.datetime(2019, 1, 7, 9, 0) + datetime.timedelta(days=rng.randrange(1500))
        self.main_tip = None      # alembic tip of main
        self.features = []        # open: dict(base, revs, ref, who)
        self.labelled = []        # labelled alembic branches' tips
        self.count = 0

    def tick(self):
        self.now += datetime.timedelta(minutes=self.rng.randrange(30, 60 * 48),
                                       seconds=self.rng.randrange(60),
                                       microseconds=self.rng.randrange(1000000))
        return self.now

    def stamp(self):
        self.p.last_time = max(self.p.last_time, int(self.now.replace(tzinfo=datetime.timezone.utc).timestamp()))
        return self.p.last_time

    def new_id(self, slug):
        self.count += 1
        if not self.p.numbered:
            while True:
                rid = "%012x" % self.rng.getrandbits(48)
                if rid not in self.p.by_id:
                    return rid
        return "%03d_%s" % (self.count, "_".join(slug.split("_")[:2]).rstrip("_"))

    def message(self):
        t, c = self.rng.choice(TABLES), self.rng.choice(COLUMNS)
        return self.rng.choice(("add %s to %s" % (c, t), "create %s table" % t, "index %s %s" % (t, c),
                                "drop %s from %s" % (c, t), "backfill %s %s" % (t, c),
                                "add %s %s column" % (t, c), "rename %s %s" % (t, c)))

    def make(self, down, who, merge=False):
        msg = "merge heads" if merge else self.message()
        if merge and self.rng.random() < 0.5:
            msg = "merge %s" % " and ".join(down)
        slug = slugify(msg)
        local = self.tick() + datetime.timedelta(hours=UTC_OFFSET[who])
        rev = Rev(self.new_id(slug), msg, slug, down, local, merge)
        self.p.revs.append(rev)
        self.p.by_id[rev.id] = rev
        return rev

    def commit(self, ref, revs, who, merge=(), base=None, message=None):
        return self.s.commit(ref, who, self.stamp(), message or revs[0].message,
                             [(r.path, render(self.p, r)) for r in revs], merge, base)

    def on_main(self):
        who = self.rng.choice(DEVELOPERS)
        rev = self.make([self.main_tip], who)
        self.commit("main", [rev], who)
        self.main_tip = rev.id

    def on_feature(self):
        open_new = not self.features or (len(self.features) < self.cfg["parallel"] and self.rng.random() < 0.5)
        if open_new:
            f = dict(base=self.main_tip, revs=[], ref="feature-%d" % self.count, who=self.rng.choice(DEVELOPERS),
                     from_mark=self.s.tip["main"])
            self.features.append(f)
        else:
            f = self.rng.choice(self.features)
        # a colleague adds to the branch now and then
        who = f["who"] if self.rng.random() < 0.6 else self.rng.choice(DEVELOPERS)
        rev = self.make([f["revs"][-1].id if f["revs"] else f["base"]], who)
        f["revs"].append(rev)
        self.commit(f["ref"], [rev], who, base=None if len(f["revs"]) > 1 else f["from_mark"])

    def land(self, f):
        self.features.remove(f)
        first = f["revs"][0]
        if f["base"] == self.main_tip:                  # nothing landed on main's alembic line
            if self.s.tip["main"] == f["from_mark"]:     # nor anything in git: fast-forward
                self.s.reset("main", self.s.tip[f["ref"]])
            else:                                        # a labelled branch moved: a git merge
                self.s.commit("main", f["who"], self.stamp(), "Merge branch '%s'" % f["ref"],
                              [(r.path, render(self.p, r)) for r in f["revs"]], merge=[self.s.tip[f["ref"]]])
            self.main_tip = f["revs"][-1].id
            return
        self.tick()
        if self.rng.random() < self.cfg["merge"]:
            together = [f]
            if self.p.shape == "merge-heavy" and self.features and self.rng.random() < 0.15:
                together.append(self.features.pop(self.rng.randrange(len(self.features))))
            for g in together:                           # git merges the branches...
                self.s.commit("main", g["who"], self.stamp(), "Merge branch '%s'" % g["ref"],
                              [(r.path, render(self.p, r)) for r in g["revs"]], merge=[self.s.tip[g["ref"]]])
            # ...then someone runs `alembic merge heads`
            rev = self.make([self.main_tip] + [g["revs"][-1].id for g in together], f["who"], merge=True)
            self.commit("main", [rev], f["who"])
            self.main_tip = rev.id
            return
        # rebased: the first revision now follows main's tip; its date stays
        first.down = [self.main_tip]
        if self.rng.random() >= STALE_REVISES:
            first.doc_revises = [self.main_tip]
        for r in f["revs"]:
            self.commit("main", [r], f["who"])
        self.main_tip = f["revs"][-1].id

    def labelled_branch(self):
        name = LABELS[len(self.labelled)]
        who = self.rng.choice(DEVELOPERS)
        rev = self.make([] if self.rng.random() < 0.5 else [self.main_tip], who)
        rev.labels = (name,)
        self.commit("main", [rev], who)
        self.labelled.append(rev.id)

    def on_labelled(self):
        k = self.rng.randrange(len(self.labelled))
        who = self.rng.choice(DEVELOPERS)
        rev = self.make([self.labelled[k]], who)
        if self.rng.random() < 0.2:
            rev.depends = [self.main_tip]
        self.commit("main", [rev], who)
        self.labelled[k] = rev.id

    def run(self):
        p = self.p
        self.s.commit("main", DEVELOPERS[0], self.stamp(), "Project skeleton", sorted(SCAFFOLD.items()))
        self.main_tip = self.make([], DEVELOPERS[0]).id
        self.commit("main", [p.revs[0]], DEVELOPERS[0])
        want_labels = [int(p.n * (k + 1) / (self.cfg["labels"] + 2)) for k in range(self.cfg["labels"])]
        while len(p.revs) < p.n - len(self.features) * 2:
            if want_labels and len(p.revs) >= want_labels[0]:
                want_labels.pop(0)
                self.labelled_branch()
            elif self.labelled and self.rng.random() < 0.15:
                self.on_labelled()
            elif self.features and self.rng.random() < self.cfg["land"]:
                self.land(self.rng.choice(self.features))
            elif self.rng.random() < self.cfg["feature"]:
                self.on_feature()
            else:
                self.on_main()
        while self.features:
            self.land(self.features[0])
        return self.s


def generate(root, shape, seed, n, numbered=False, typed=None):
    """Build the project in ROOT (a new directory) and return its Project."""
    rng = random.Random("%s:%s:%d" % (shape, seed, n))
    if typed is None:
        typed = rng.random() < 0.4
    p = Project(root, shape, seed, n, numbered, typed)
    stream = Team(p, rng).run()
    os.makedirs(root)
    git(root, "init", "-q")
    git(root, "fast-import", "--quiet", "--done", stdin=b"".join(stream.parts) + b"done\n")
    git(root, "checkout", "-q", "-f", "main")
    # refs of landed features are gone in a real repository; so is what they hid
    for f in [r for r in stream.tip if r != "main"]:
        git(root, "update-ref", "-d", "refs/heads/" + f)
    verify(p)
    return p


def verify(p):
    """The work tree is what the model says: every revision's file, nothing else."""
    on_disk = set(os.listdir(os.path.join(p.root, VERSIONS)))
    want = {os.path.basename(r.path) for r in p.revs}
    if on_disk != want:
        raise RuntimeError("%s: files differ from the model: %s" % (p.root, sorted(on_disk ^ want)[:5]))
    for r in p.revs:
        with open(os.path.join(p.root, r.path)) as f:
            if f.read() != render(p, r):
                raise RuntimeError("%s: differs from the model" % r.path)


def main():
    if len(sys.argv) < 5 or sys.argv[2] not in SHAPES:
        sys.exit("usage: suggest_history.py DIR %s SEED N [--numbered]" % "|".join(SHAPES))
    p = generate(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), "--numbered" in sys.argv)
    st = p.stats()
    print("%(revisions)d revisions, %(merges)d merges, %(bases)d bases; %(newer)d of %(links)d parent links "
          "(%(newer_pct).0f%%) point to a newer revision" % st)


if __name__ == "__main__":
    main()
