#!/usr/bin/python3
"""Extracts the tutorial's Python programs from the seed file, unchanged.

    extract.py [SEED] [OUTDIR]

Every fenced ```python block of the seed becomes one file in OUTDIR
(default: tutorial/ beside this script), its bytes exactly as they appear
between the fences. A block whose first line is a `# name.py` comment is
written to name.py; a block without one (the appendix's recv_all) is
named after the function it defines, or block<N>.py. SEED defaults to
$SOCKLAB_SEED (a file, or a folder holding the seed file), else
../shared/seed/ beside the repository. Prints the names written.
"""
import os
import re
import sys

SEED_NAME = "000_70325ae2e82b9654.txt"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

NAME_RE = re.compile(rb"^#\s*([A-Za-z0-9_]+\.py)\s*$")
DEF_RE = re.compile(rb"^def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def seed_path(arg=None):
    """The seed file: the argument, $SOCKLAB_SEED, or ../shared/seed."""
    cand = arg or os.environ.get("SOCKLAB_SEED") or os.path.join(
        os.path.dirname(REPO), "shared", "seed")
    if os.path.isdir(cand):
        cand = os.path.join(cand, SEED_NAME)
    return cand


def blocks(text):
    """Yields the body (bytes, each line with its newline) of every
    ```python fenced block, in order."""
    lines = text.splitlines(keepends=True)
    body = None
    for line in lines:
        stripped = line.strip()
        if body is None:
            if stripped.lower() in (b"```python", b"```py", b"```python3"):
                body = []
        elif stripped == b"```":
            yield b"".join(body)
            body = None
        else:
            body.append(line)
    if body is not None:
        raise ValueError("unterminated ```python block")


def name_for(body, n, taken):
    first = body.split(b"\n", 1)[0]
    m = NAME_RE.match(first)
    if m:
        name = m.group(1).decode()
    else:
        m = next((DEF_RE.match(l) for l in body.split(b"\n") if DEF_RE.match(l)), None)
        name = (m.group(1).decode() if m else "block%d" % n) + ".py"
    if name in taken:
        raise ValueError("two blocks named %s" % name)
    taken.add(name)
    return name


def extract(seed, outdir):
    with open(seed, "rb") as f:
        text = f.read()
    os.makedirs(outdir, exist_ok=True)
    taken, written = set(), []
    for n, body in enumerate(blocks(text), 1):
        name = name_for(body, n, taken)
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(body)
        written.append(name)
    if not written:
        raise ValueError("no ```python block in %s" % seed)
    return written


def main():
    seed = seed_path(sys.argv[1] if len(sys.argv) > 1 else None)
    outdir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "tutorial")
    if not os.path.isfile(seed):
        print("extract.py: seed file not found: %s" % seed, file=sys.stderr)
        return 2
    for name in extract(seed, outdir):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
