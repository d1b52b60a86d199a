#!/bin/sh
# make-repos.sh DIR - the git repositories tests/review.test runs `migtree review` on.
#
# One small, realistic Alembic project per scenario (alembic.ini, env.py,
# script.py.mako and version files with the headers `alembic revision` writes),
# each a git repository in DIR/NAME with a `main` and a `feature` branch, and where
# a scenario needs `origin/main`, a bare DIR/NAME.git as its `origin`. Everything is
# reproducible: fixed identity, fixed dates, no global or system git config, so the
# same script builds the same commit ids on every machine (the test relies on
# nothing but the branch names, and checks what each scenario claims with the
# commands that exist today before it asks anything of `review`).
#
# Revision ids: every scenario shares the base a1 <- b2 (the merge base) and adds
# from these, so a reader of the test can tell them apart at a glance:
#   a1b2c3d4e5f6 create users (base)   b2c3d4e5f6a7 add email      (both in every repo)
#   c3d4e5f6a7b8 main's new revision   d4e5f6a7b8c9 feature's new revision
#   e5f6a7b8c9d0 a merge / a revision in the middle   f6a7b8c9d0e1 feature's second
set -eu

[ $# -eq 1 ] || { echo "usage: make-repos.sh DIR" >&2; exit 2; }
mkdir -p "$1"
top=$(cd "$1" && pwd)

# The user's and the system's git configuration must not shape the repositories
# (a global commit.gpgsign, init.defaultBranch, core.autocrlf, hooks...).
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
GIT_TERMINAL_PROMPT=0
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_TERMINAL_PROMPT
LC_ALL=C
TZ=UTC
export LC_ALL TZ

A=a1b2c3d4e5f6
B=b2c3d4e5f6a7
C=c3d4e5f6a7b8
D=d4e5f6a7b8c9
E=e5f6a7b8c9d0
F=f6a7b8c9d0e1

g() {
	git -c user.name=t -c user.email=t@t -c init.defaultBranch=main -c core.autocrlf=false \
		-c commit.gpgsign=false -c advice.detachedHead=false "$@"
}

# Every commit one minute after the last: the same ids on every run.
tick=0
commit() {
	tick=$((tick + 1))
	GIT_AUTHOR_DATE="$((1736500000 + tick * 60)) +0000"
	GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
	g add -A
	g commit -q -m "$1"
}

# py_ids "x,y" -> 'x' / ('x', 'y') ; "" -> None
py_ids() {
	case $1 in
	"") echo None ;;
	*,*) echo "('$(echo "$1" | sed "s/,/', '/g")')" ;;
	*) echo "'$1'" ;;
	esac
}

# migration DIR ID DOWN SLUG [LABEL]: DIR/ID_SLUG.py as `alembic revision` writes
# it (DOWN: "" for a base, "x,y" for a merge; LABEL: one branch label).
migration() {
	mkdir -p "$1"
	down=$(py_ids "$3")
	revises=$(echo "$3" | sed 's/,/, /g')
	labels=None
	[ $# -lt 5 ] || labels="('$5',)"
	msg=$(echo "$4" | tr _ ' ')
	cat >"$1/$2_$4.py" <<EOF
"""$msg

Revision ID: $2
Revises: $revises
Create Date: 2025-01-10 09:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '$2'
down_revision: Union[str, Sequence[str], None] = $down
branch_labels: Union[str, Sequence[str], None] = $labels
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("-- $msg")


def downgrade() -> None:
    pass
EOF
}

# set_down FILE DOWN: re-parent a revision the way a person edits it (the
# variable and the docstring's Revises: line).
set_down() {
	sed -e "s/^down_revision: \(.*\) = .*/down_revision: \1 = $(py_ids "$2")/" \
		-e "s/^Revises: .*/Revises: $(echo "$2" | sed 's/,/, /g')/" "$1" >"$1.tmp"
	mv "$1.tmp" "$1"
}

# locations LINE...: alembic.ini's `version_path_separator = os` line replaced by
# the LINEs (where the version folders are, and how they are read).
locations() {
	awk -v lines="$(printf '%s\n' "$@")" \
		'/^version_path_separator = os$/ { print lines; next } { print }' alembic.ini >alembic.ini.tmp
	mv alembic.ini.tmp alembic.ini
}

# project DIR [SCRIPT_LOCATION]: the files `alembic init` leaves, trimmed.
project() {
	loc=${2:-alembic}
	mkdir -p "$1/$loc/versions"
	cat >"$1/alembic.ini" <<EOF
# A generic, single database configuration.

[alembic]
script_location = %(here)s/$loc
prepend_sys_path = .
version_path_separator = os
sqlalchemy.url = postgresql://app@localhost/app

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
EOF
	cat >"$1/$loc/env.py" <<'EOF'
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
target_metadata = None


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
EOF
	cat >"$1/$loc/script.py.mako" <<'EOF'
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
EOF
	printf 'Generic single-database configuration.\n' >"$1/$loc/README"
	printf '# app\n\nThe application; its schema lives in alembic/.\n' >"$1/README.md"
}

# start NAME: DIR/NAME with the shared history a1 <- b2 on main, cd'ed into.
start() {
	mkdir "$top/$1"
	cd "$top/$1"
	g init -q -b main
	project .
	migration alembic/versions $A "" create_users
	commit "Create the users table"
	migration alembic/versions $B $A add_email
	commit "Add users.email"
}

# publish: a bare DIR/NAME.git as origin, holding main (origin/main exists).
publish() {
	name=${PWD##*/}
	g init -q --bare "$top/$name.git"
	g remote add origin "$top/$name.git"
	g push -q origin main
	g fetch -q origin
}

# finish BRANCH: check BRANCH out, and let git settle the index once, so that the
# test's "the index did not change" compares a settled file.
finish() {
	g checkout -q "$1"
	settle
	cd "$top"
}

# settle: every file older than the index, then one `git status` to record their
# stat data: later `git status` runs (the test's, or migtree's own) have nothing
# to refresh and leave .git/index byte for byte as it is.
settle() {
	find . -path ./.git -prune -o -type f -exec touch -t 202501100900 {} +
	g status --porcelain >/dev/null
}

# ---- two-heads: the classic; both branches add a revision on b2 ----
start two-heads
g branch feature
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g checkout -q feature
migration alembic/versions $D "$B" add_invoices
commit "Add invoices"
finish feature

# ---- clean-linear: feature builds on main's head; main moves on elsewhere ----
start clean-linear
migration alembic/versions $C "$B" add_orders
commit "Add orders"
g branch feature
printf '\nRun `alembic upgrade head` to migrate.\n' >>README.md
commit "README: how to migrate"
publish
g checkout -q feature
migration alembic/versions $D "$C" add_invoices
commit "Add invoices"
finish feature

# ---- deleted-parent: main deletes c3 (squashed away); feature builds on it ----
start deleted-parent
migration alembic/versions $C "$B" add_orders
commit "Add orders"
g branch feature
g rm -q alembic/versions/${C}_add_orders.py
commit "Drop the orders migration: never deployed"
publish
g checkout -q feature
migration alembic/versions $D "$C" add_invoices
commit "Add invoices"
finish feature

# ---- reparented-parent: main inserts e5 between b2 and c3; feature builds on c3 ----
start reparented-parent
migration alembic/versions $C "$B" add_orders
commit "Add orders"
g branch feature
migration alembic/versions $E "$B" add_accounts
set_down alembic/versions/${C}_add_orders.py $E
commit "Accounts before orders"
publish
g checkout -q feature
migration alembic/versions $D "$C" add_invoices
commit "Add invoices"
finish feature

# ---- same-id-both: both sides add c3 (a copied id), in files of their own ----
start same-id-both
g branch feature
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g checkout -q feature
migration alembic/versions $C "$B" add_invoices
commit "Add invoices (id copied from a template)"
finish feature

# ---- label-both: both sides start a branch labelled 'reporting' on b2 ----
start label-both
g branch feature
migration alembic/versions $C "$B" reporting_views reporting
commit "Reporting views"
publish
g checkout -q feature
migration alembic/versions $D "$B" reporting_tables reporting
commit "Reporting tables"
finish feature

# ---- renamed-file: main renames b2's file (same revision); feature adds d4 on b2 ----
start renamed-file
g branch feature
g mv alembic/versions/${B}_add_email.py alembic/versions/2025_01_10_${B}_add_email.py
commit "Date-prefixed migration file names"
publish
g checkout -q feature
migration alembic/versions $D "$B" add_invoices
commit "Add invoices"
finish feature

# ---- already-merged: feature merged main and wrote the merge revision e5 ----
start already-merged
g branch feature
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g checkout -q feature
migration alembic/versions $D "$B" add_invoices
commit "Add invoices"
tick=$((tick + 1))
GIT_AUTHOR_DATE="$((1736500000 + tick * 60)) +0000"
GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
g merge -q --no-edit main
migration alembic/versions $E "$C,$D" merge_orders_and_invoices
commit "Merge the orders and invoices heads"
finish feature

# ---- nested-locations: two version folders, read recursively ----
start nested-locations
locations 'version_locations = %(here)s/alembic/versions %(here)s/modules/billing/migrations' \
	'version_path_separator = space' 'recursive_version_locations = true'
migration modules/billing/migrations/2024 $F "$B" billing_accounts
commit "Billing migrations in their own folder"
g branch feature
migration alembic/versions/2025/q1 $C "$F" add_orders
commit "Add orders"
publish
g checkout -q feature
migration modules/billing/migrations/2025/01 $D "$F" add_invoices
# not a version location: read by nobody
migration modules/billing/attic $E "$F" abandoned_idea
commit "Add invoices"
finish feature

# ---- config-changed: feature adds a second version location and uses it ----
start config-changed
g branch feature
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g checkout -q feature
locations 'version_locations = %(here)s/alembic/versions %(here)s/reporting/versions' \
	'version_path_separator = space'
migration reporting/versions $D "$B" reporting_tables
commit "Reporting migrations in reporting/versions"
finish main

# ---- published-edit: feature inserts e5 before c3, which main already has ----
start published-edit
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g branch feature
g branch feature-delete
g checkout -q feature
migration alembic/versions $E "$B" add_accounts
set_down alembic/versions/${C}_add_orders.py $E
commit "Accounts before orders"
g checkout -q feature-delete
g rm -q alembic/versions/${C}_add_orders.py
migration alembic/versions $D "$B" add_invoices
commit "Replace orders by invoices"
finish feature

# ---- worktree-uncommitted: a new revision not yet committed (not even added) ----
start worktree-uncommitted
g branch feature
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g checkout -q feature
migration alembic/versions $D "$B" add_invoices
settle
cd "$top"

# ---- github-escaping: a file name GitHub's annotation syntax must escape ----
start github-escaping
g branch feature
migration alembic/versions $C "$B" add_orders
commit "Add orders"
publish
g checkout -q feature
migration alembic/versions $D "$B" '50%_off,sale'
commit "Sale prices"
finish feature
