"""annotations.py OUT [options] - check that OUT holds GitHub Actions annotations
(`--format github`), one per line, as GitHub parses them: `::error PROPS::DATA`
or `::warning PROPS::DATA`, PROPS `file=PATH,line=N`, with GitHub's escapes
(DATA: % CR LF as %25 %0D %0A; property values also : and , as %3A %2C).

  --problems JSON    the same run's `--format json` output: one annotation per
                     problem, in order, with its severity, path, line and message
  --files-in DIR     every file= names a file under DIR, or (with --refs) in one of
  --refs R1,R2       these git refs of the repository DIR
  --mention TEXT     some annotation's (unescaped) message contains TEXT
  --raw TEXT         some line, as printed, contains TEXT
Exits 0 when all holds, 1 with one line saying what did not.
"""
import argparse
import json
import os
import re
import subprocess
import sys

LINE = re.compile(r"::(error|warning)(?: ([^:]*))?::(.*)")
DATA_ESC = {"%25": "%", "%0D": "\r", "%0A": "\n"}
PROP_ESC = dict(DATA_ESC, **{"%3A": ":", "%2C": ","})


def unescape(s, table, what):
    out, i = [], 0
    while i < len(s):
        if s[i] == "%":
            code = s[i:i + 3].upper()
            if code not in table:
                raise ValueError("%s: a bare '%%' (GitHub reads %r as an escape)" % (what, s[i:i + 3]))
            out.append(table[code])
            i += 3
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def parse(line):
    m = LINE.fullmatch(line)
    if not m:
        raise ValueError("not an annotation: %r" % line)
    props = {}
    for item in (m.group(2) or "").split(","):
        key, eq, value = item.partition("=")
        if not eq or key not in ("file", "line", "col", "endLine", "endColumn", "title"):
            raise ValueError("bad property %r in %r (a raw ',' or ':' in a value?)" % (item, line))
        props[key] = unescape(value, PROP_ESC, "property " + key)
    if "file" not in props or not re.fullmatch(r"[0-9]+", props.get("line", "")):
        raise ValueError("file= and line=N are needed: %r" % line)
    return m.group(1), props["file"], int(props["line"]), unescape(m.group(3), DATA_ESC, "message")


def exists(path, args):
    if not args.refs:
        return os.path.isfile(os.path.join(args.files_in, path))
    for ref in args.refs.split(","):
        r = subprocess.run(["git", "-C", args.files_in, "cat-file", "-e", "%s:%s" % (ref, path)],
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--problems")
    ap.add_argument("--files-in")
    ap.add_argument("--refs")
    ap.add_argument("--mention", action="append", default=[])
    ap.add_argument("--raw", action="append", default=[])
    args = ap.parse_args()
    text = open(args.out, "rb").read().decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        if not lines:
            raise ValueError("no annotation printed")
        got = [parse(line) for line in lines]
        if args.problems:
            want = json.load(open(args.problems, encoding="utf-8"))["problems"]
            if len(got) != len(want):
                raise ValueError("%d annotations for %d problems" % (len(got), len(want)))
            for (sev, path, n, msg), p in zip(got, want):
                # what fails the run is an error annotation: several heads on one
                # branch fail check and review although their kind is a warning
                level = "error" if p["kind"] == "multiple_heads" else p["severity"]
                if (sev, path, n) != (level, p["path"], p["line"]):
                    raise ValueError("annotation %r for problem %r" % ((sev, path, n), p))
                if p["message"] not in msg:
                    raise ValueError("the message %r lacks the problem's %r" % (msg, p["message"]))
        if args.files_in:
            for _, path, _, _ in got:
                if not exists(path, args):
                    raise ValueError("file=%s names no file of the repository" % path)
        for text in args.mention:
            if not any(text in msg for _, _, _, msg in got):
                raise ValueError("no annotation mentions %r" % text)
        for text in args.raw:
            if not any(text in line for line in lines):
                raise ValueError("no line has %r as printed" % text)
    except (ValueError, OSError) as e:
        print("# %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
