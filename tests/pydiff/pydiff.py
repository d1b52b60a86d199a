#!/usr/bin/python3
"""pydiff.py - migtree's static reading of migration files against Python's own.

Usage: pydiff.py MIGTREE [COUNT [SEED]]

Generates COUNT small migration files (deterministic from SEED) mixing what
Python's tokenizer reads in ways a static reader can get wrong: string prefixes
and quotes, escapes, implicit concatenation, grouping parentheses, comments,
backslash continuations, LF/CRLF/CR line ends, form feeds, a BOM, PEP 263 coding
lines, fullwidth (NFKC) names, annotated assignments, tuples and lists, None, and
files Python refuses. Each file is read by Python (ast.parse of its bytes, the
module-level assignments of the four Alembic names evaluated as literals, the
docstring with Alembic's rule) and by `migtree export`; they must agree: the same
values when Python reads the file, an unparsable_file error when it raises. Needs
only python3. Prints the cases per feature (failing when one has none) and ends
with `N passed, N failed`.
"""
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
FULLWIDTH = {c: chr(ord(c) - 0x21 + 0xFF01) for c in "abcdefghijklmnopqrstuvwxyz_"}
FEATURES = ("prefix", "triple", "escape", "concat", "grouping", "comment", "continuation",
            "crlf", "cr", "mixed_ends", "formfeed", "bom", "coding_latin1", "coding_cp1252",
            "coding_utf8", "coding_unknown", "fullwidth", "annotated", "sequence", "none",
            "nul_escape", "docstring", "non_ascii", "unparsable")


class Gen:
    """One file's text, and the features it uses."""

    def __init__(self, rnd, idx):
        self.triple = False
        self.refused = False  # a coding Python reads and migtree does not
        self.r = rnd
        self.idx = idx
        self.feat = set()
        self.enc = "utf-8"

    def pick(self, p):
        return self.r.random() < p

    def value_text(self, base):
        """A str value: BASE with this file's number, maybe a non-ASCII letter or NUL."""
        s = "%s%d" % (base, self.idx)
        if self.pick(0.15):
            s += self.r.choice(["é", "ß", "ñ", "ü"] if self.enc != "ascii" else ["x"])
            self.feat.add("non_ascii")
        return s

    def escape_char(self, ch, quote, raw):
        """CH written inside a literal; an escape when that is the only way."""
        if ch == "\x00":
            self.feat.add("nul_escape")
            return self.r.choice(["\\x00", "\\0", "\\000", "\\u0000"])
        if raw:
            return ch
        if ch == "\\":
            return "\\\\"
        if ch == quote:
            return "\\" + ch
        if ch == "\n" and not self.triple:
            return "\\n"
        if ord(ch) > 127 and self.pick(0.3):
            self.feat.add("escape")
            return self.r.choice(["\\x%02x" % ord(ch), "\\u%04x" % ord(ch)]) if ord(ch) < 256 \
                else "\\u%04x" % ord(ch)
        if ch.isalnum() and ch.isascii() and self.pick(0.05):
            self.feat.add("escape")
            return self.r.choice(["\\x%02x" % ord(ch), "\\%03o" % ord(ch), "\\u%04x" % ord(ch)])
        return ch

    def literal(self, s, doc=False):
        """One string literal for S, in a random style."""
        quote = self.r.choice(["'", '"'])
        triple = self.pick(0.8 if doc else 0.15)
        self.triple = triple
        raw = self.pick(0.15) and not set("\\\x00\n" + quote) & set(s)
        prefix = ""
        if raw:
            prefix = self.r.choice(["r", "R"])
        elif self.pick(0.15):
            prefix = self.r.choice(["u", "U"])
        if prefix:
            self.feat.add("prefix")
        if triple:
            self.feat.add("triple")
        body = "".join(self.escape_char(c, quote, raw) for c in s)
        q = quote * (3 if triple else 1)
        if triple and body.endswith(quote):
            body = body[:-1] + "\\" + quote
        return prefix + q + body + q

    def string(self, s):
        """S as a literal, maybe an implicit concatenation, maybe in grouping parentheses."""
        if len(s) > 2 and self.pick(0.3):
            self.feat.add("concat")
            cut = self.r.randrange(1, len(s))
            sep = " "
            if self.pick(0.3):
                self.feat.add("comment")
                sep = "  # part\n    "
            elif self.pick(0.3):
                self.feat.add("continuation")
                sep = " \\\n    "
            text = self.literal(s[:cut]) + sep + self.literal(s[cut:])
            if "\n" in sep and "#" in sep or self.pick(0.3):
                self.feat.add("grouping")
                text = "(" + text + ")"
            return text
        text = self.literal(s)
        if self.pick(0.1):
            self.feat.add("grouping")
            text = "(" + text + ")"
        return text

    def sequence(self, items):
        self.feat.add("sequence")
        lst = self.pick(0.4)
        parts = [self.string(x) for x in items]
        inner = ", ".join(parts)
        if len(items) == 1 and not lst:
            inner += ","
        elif self.pick(0.3):
            inner += ","
        if self.pick(0.2):
            self.feat.add("comment")
            inner = "\n    " + inner.replace(", ", ",  # item\n    ") + "\n"
        return ("[%s]" if lst else "(%s)") % inner

    def value(self, name):
        if name == "revision":
            s = self.value_text("r")
            if self.pick(0.04):
                s = s[:2] + "\x00" + s[2:]
            return self.string(s)
        if self.pick(0.25):
            self.feat.add("none")
            return "None"
        n = self.r.choice([1, 1, 2, 3])
        items = [self.value_text(name[0] + str(k)) for k in range(n)]
        if n == 1 and self.pick(0.5):
            return self.string(items[0])
        return self.sequence(items)

    def target(self, name):
        if self.pick(0.12) and self.enc == "utf-8":
            self.feat.add("fullwidth")
            k = self.r.randrange(len(name))
            name = name[:k] + FULLWIDTH.get(name[k], name[k]) + name[k + 1:]
        if self.pick(0.15):
            self.feat.add("annotated")
            return name + ": " + self.r.choice(["str", "Union[str, None]", "tuple"]) + " ="
        return name + " ="

    def docstring(self):
        if not self.pick(0.7):
            return []
        self.feat.add("docstring")
        s = self.value_text("msg ") + self.r.choice(
            ["", "\n\nRevision ID: x\nRevises: y\n", "\nsecond line\n\nmore\n", "  \n"])
        if self.pick(0.03):
            s = "nul\x00" + s
        return [self.literal(s, doc=True)]

    def breakage(self, lines):
        """Make the file one Python refuses (or one the reader must refuse)."""
        self.feat.add("unparsable")
        kind = self.r.randrange(5)
        k = self.r.randrange(len(lines))
        if kind == 0:
            lines[k] += " '"  # unterminated string
        elif kind == 1:
            lines[k] += " ("  # bracket never closed
        elif kind == 2:
            lines.insert(k, "x = (1,")
        elif kind == 3:
            lines[k] = lines[k].replace("=", "= =", 1)
        else:
            lines.append("y = 'tail")

    def file(self):
        """The file's bytes."""
        coding = None
        if self.pick(0.15):
            coding = self.r.choice(["latin-1", "iso-8859-1", "latin1", "cp1252", "windows-1252",
                                    "utf-8", "utf8", "koi8-r", "klingon"])
            self.refused = coding == "koi8-r"
            self.enc = {"latin-1": "latin-1", "iso-8859-1": "latin-1", "latin1": "latin-1",
                        "cp1252": "cp1252", "windows-1252": "cp1252"}.get(coding, "utf-8")
            self.feat.add({"latin-1": "coding_latin1", "cp1252": "coding_cp1252"}.get(self.enc,
                          "coding_utf8" if coding.startswith("utf") else "coding_unknown"))
        lines = []
        if coding:
            head = self.r.choice(["# -*- coding: %s -*-", "# vim: set fileencoding=%s :",
                                  "# coding=%s"]) % coding
            if self.pick(0.3):
                lines.append("#!/usr/bin/env python")
            lines.append(head)
        lines += self.docstring()
        lines += ["from alembic import op", "import sqlalchemy as sa", ""]
        order = list(NAMES)
        if self.pick(0.3):
            self.r.shuffle(order)
        for name in order:
            if name in ("branch_labels", "depends_on") and self.pick(0.2):
                continue
            line = self.target(name) + " " + self.value(name)
            if self.pick(0.1):
                self.feat.add("comment")
                line += "  # " + self.r.choice(["a note", "'quote", "é"])
            if self.pick(0.08):
                self.feat.add("formfeed")
                line = "\f" + line
            lines.append(line)
        lines += ["", "", "def upgrade():", "    pass", ""]
        if self.pick(0.06):
            self.breakage(lines)
        ends = self.r.choice(["\n"] * 6 + ["\r\n"] * 2 + ["\r", "mixed"])
        self.feat.add({"\r\n": "crlf", "\r": "cr", "mixed": "mixed_ends"}.get(ends, "lf"))
        if ends == "mixed":
            text = "".join(line + self.r.choice(["\n", "\r\n", "\r"]) for line in lines)
        else:
            text = ends.join(lines) + ends
        enc = self.enc if self.enc != "utf-8" or coding is None else "utf-8"
        try:
            data = text.encode(enc)
        except UnicodeEncodeError:
            data = text.encode("utf-8")  # an undecodable byte for Python: it must refuse too
        if self.pick(0.05) and (coding is None or self.enc == "utf-8"):
            self.feat.add("bom")
            data = b"\xef\xbb\xbf" + data
        return data


def literal_value(node, env):
    """NODE's value as Python evaluates it at module level (None is a builtin name,
    so a fullwidth `Ｎｏｎｅ` is None too); raises ValueError when not a literal."""
    def fix(n):
        if isinstance(n, ast.Name):
            if n.id in ("None", "True", "False"):
                return ast.Constant({"None": None, "True": True, "False": False}[n.id])
            if n.id in env:
                return ast.Constant(env[n.id])
            raise ValueError("name")
        for field, old in ast.iter_fields(n):
            if isinstance(old, list):
                setattr(n, field, [fix(x) if isinstance(x, ast.AST) else x for x in old])
            elif isinstance(old, ast.AST):
                setattr(n, field, fix(old))
        return n
    return ast.literal_eval(fix(node))


def python_reading(data):
    """("error", why) or ("ok", {name: value}, message, has_nul)."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError) as e:
        return ("error", str(e))
    env, vals, nul = {}, {}, False
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            target, node = st.targets[0].id, st.value
        elif isinstance(st, ast.AnnAssign) and st.value is not None and isinstance(st.target, ast.Name):
            target, node = st.target.id, st.value
        else:
            continue
        try:
            v = literal_value(node, env)
        except (ValueError, TypeError, SyntaxError):
            v = ValueError
        if v is not ValueError:
            env[target] = v
        if target in NAMES:
            vals[target] = v
            nul |= "\x00" in repr(v) or any("\x00" in x for x in (v if isinstance(v, (tuple, list)) else [v]) if isinstance(x, str))
    doc = ast.get_docstring(tree, clean=False)
    longdoc = doc.strip() if doc else ""
    nul |= "\x00" in longdoc
    return ("ok", vals, re.split("\n\n", longdoc)[0], nul)


def ids(v, field):
    """Alembic's reading of a value (migtree's py_value_collapse rule)."""
    if v is None or v == () or v == []:
        return []
    if isinstance(v, str):
        if v == "" and field in ("down_revision", "depends_on"):
            return []
        return [v]
    items = list(v)
    if field == "depends_on" and items == [""]:
        return []
    return items


def compare(py, mine, problems):
    """None when migtree agrees with Python, else what differs."""
    if py[0] == "error" or py[3]:
        if any(p["kind"] == "unparsable_file" for p in problems):
            return None
        return "Python refuses (%s) but migtree read it" % (py[1] if py[0] == "error" else "NUL")
    if any(p["kind"] == "unparsable_file" for p in problems):
        return "migtree refused: %s" % [p["message"] for p in problems if p["kind"] == "unparsable_file"]
    vals, message = py[1], py[2]
    if mine is None:
        return "migtree lists no revision"
    if mine["revision"] != vals.get("revision"):
        return "revision %r != %r" % (mine["revision"], vals.get("revision"))
    if mine["message"] != message:
        return "message %r != %r" % (mine["message"], message)
    unknown = {u["field"] for u in mine["unknown"]}
    for field, key in (("down_revision", "down_revisions"), ("depends_on", "depends_on"),
                       ("branch_labels", "branch_labels")):
        v = vals.get(field)
        if v is ValueError:
            if field not in unknown:
                return "%s is no literal for Python, migtree read %r" % (field, mine[key])
            continue
        if field in unknown:
            return "%s unknown to migtree, Python reads %r" % (field, v)
        want = ids(v, field)
        got = mine[key]
        if field == "branch_labels":
            got, want = sorted(got), sorted(want)
        if got != want:
            return "%s %r != %r" % (field, got, want)
    return None


def main():
    migtree = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
    rnd = random.Random(seed)
    work = tempfile.mkdtemp(prefix="migtree-pydiff-")
    try:
        os.mkdir(os.path.join(work, "versions"))
        with open(os.path.join(work, "alembic.ini"), "w") as f:
            f.write("[alembic]\nscript_location = .\n")
        files = {}
        for i in range(count):
            g = Gen(rnd, i)
            data = g.file()
            name = "m%05d.py" % i
            with open(os.path.join(work, "versions", name), "wb") as f:
                f.write(data)
            files["./versions/" + name] = (g.feat, data, g.refused)
        out = subprocess.run([migtree, "export"], cwd=work, capture_output=True)
        if out.returncode not in (0, 1):
            print("not ok - migtree export exited %d: %s" % (out.returncode, out.stderr.decode()[:500]))
            print("0 passed, 1 failed")
            return 1
        exp = json.loads(out.stdout)
        by_path = {r["path"]: r for r in exp["revisions"] if not r["missing"]}
        probs = {}
        for p in exp["problems"]:
            if p["path"]:
                probs.setdefault(p["path"], []).append(p)
        passed = failed = 0
        per = {f: [0, 0] for f in FEATURES}
        for path, (feat, data, refused) in sorted(files.items()):
            py = ("error", "a coding migtree does not decode") if refused else python_reading(data)
            why = compare(py, by_path.get(path), probs.get(path, []))
            for f in feat:
                if f in per:
                    per[f][why is not None] += 1
            if why is None:
                passed += 1
                continue
            failed += 1
            if failed <= 15:
                print("not ok - %s: %s\n#   %r" % (path, why, data[:400]))
        for f in FEATURES:
            ok, bad = per[f]
            print("# %-15s %5d cases, %d failed" % (f, ok + bad, bad))
            if ok + bad == 0:
                print("not ok - feature %s had no case" % f)
                failed += 1
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed else 0
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
