#!/usr/bin/env python3
"""Write fuzz_check seed inputs from examples/ and tests/golden/ into a corpus directory.

    make_seeds.py REPO_ROOT OUT_DIR

The input layout is fuzz_check.cpp's: chunk0 is `main.flow`, and each 0x01
byte starts another file whose path runs to the newline. Golden files
(`# --- <path>` split lines) map onto it directly; example projects give one
seed per file and a few multi-file seeds (a workflow file with its project's
other files), so cross-file names and `file("...")` are exercised from the
start. At most 3 files per seed. Seeds are named by their SHA-1, so running
this again adds nothing twice. Python 3 standard library only.
"""

import hashlib
import os
import re
import sys

SEP = b"\x01"
MAX_FILES = 3
SPLIT = re.compile(rb"^# --- (\S+)[ \t]*$", re.M)


def encode(files):
    """[(path, bytes)] -> one input; the first file is main.flow unless named otherwise."""
    out = b""
    for i, (path, text) in enumerate(files[:MAX_FILES]):
        if i == 0 and path == "main.flow":
            out += text
        else:
            out += SEP + path.encode() + b"\n" + text
    return out


def golden_files(text):
    """Splits a golden case on `# --- <path>` lines, as the golden runner does."""
    parts = list(SPLIT.finditer(text))
    if not parts:
        return [("main.flow", text)]
    files = []
    if parts[0].start() > 0 and text[: parts[0].start()].strip():
        files.append(("main.flow", text[: parts[0].start()]))
    for i, m in enumerate(parts):
        end = parts[i + 1].start() if i + 1 < len(parts) else len(text)
        files.append((m.group(1).decode(errors="replace"), text[m.end() + 1 : end]))
    return files


def read(path):
    with open(path, "rb") as f:
        return f.read()


def example_seeds(project_dir):
    flow, other = [], []
    for dirpath, dirnames, filenames in os.walk(project_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "build")
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, project_dir)
            if name.endswith(".flow") or name == "flow.project":
                flow.append((rel, read(path)))
            elif name.endswith(".sql"):
                other.append((rel, read(path)))
    seeds = [[f] for f in flow + other]
    for i, f in enumerate(flow):
        rest = [g for g in flow if g is not f]
        if rest:
            seeds.append([f] + rest[:2])
            seeds.append([f] + rest[-2:])
        for sql in other:
            seeds.append([f, sql])
    return seeds


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    root, out_dir = argv
    os.makedirs(out_dir, exist_ok=True)
    seeds = []
    examples = os.path.join(root, "examples")
    if os.path.isdir(examples):
        for name in sorted(os.listdir(examples)):
            if os.path.isdir(os.path.join(examples, name)):
                seeds += example_seeds(os.path.join(examples, name))
    for sub in ("check", "fmt"):
        d = os.path.join(root, "tests", "golden", sub)
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                if name.endswith(".flow"):
                    seeds.append(golden_files(read(os.path.join(d, name))))
    std = os.path.join(root, "stdlib", "std")
    if os.path.isdir(std):
        for name in sorted(os.listdir(std)):
            if name.endswith(".flow"):
                seeds.append([("main.flow", read(os.path.join(std, name)))])
    written = 0
    for files in seeds:
        data = encode(files)
        path = os.path.join(out_dir, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            written += 1
    print("%d seeds (%d new) in %s" % (len(seeds), written, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
