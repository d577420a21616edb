#!/usr/bin/env python
"""Every module notebook shows results on the site, and what it shows is clean.

nbdev's docs build executes only `show_doc`, export and import cells; every other value a reader
sees on the site is the output stored in the notebook. So a module notebook (`nbs/[0-9]*.ipynb`)
must store at least one output outside `show_doc` cells, and stored outputs must not hold what
changes from machine to machine or run to run: temporary paths or progress-bar redraws.
And in every notebook the title cell holds only `# Title` and `> description`: nbdev turns that
cell into the page's front matter, and whatever else it holds never reaches the page.

    python .ci/check_outputs.py [NOTEBOOK ...]   # exit 1 naming each notebook that fails
"""
import re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parent.parent
_SHOW_DOC = re.compile(r"\bshow_doc\(")
_TEMP = re.compile(r"(?<![\w.])/(?:tmp|var/folders|private/var)/[^\s'\"]*")
_BAR = re.compile(r"\r(?!\n)|\d+it/s\]|\d+/\d+ \[\d\d:\d\d<")

def _texts(out):
    "The text a stored output shows (stream text and text-like data, not images)."
    if out.output_type == "stream": yield out.text
    elif out.output_type == "error": yield "\n".join(out.get("traceback", []))
    for k, v in out.get("data", {}).items():
        if k.startswith("text/") or k.endswith("json"): yield v if isinstance(v, str) else str(v)

def problems(path):
    "Why notebook `path` fails the check: a list of one-line reasons, empty when it passes."
    nb, shown, found = nbformat.read(path, as_version=4), 0, []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code" or not c.get("outputs"): continue
        if not _SHOW_DOC.search(c.source): shown += 1
        for t in (t for o in c.outputs for t in _texts(o)):
            if m := _TEMP.search(t): found.append(f"cell {i} output shows a temporary path: {m[0]}")
            elif _BAR.search(t): found.append(f"cell {i} output holds progress-bar redraws")
            else: continue
            break
    if not shown: found.insert(0, "stores no output outside show_doc cells: run it and commit its outputs")
    return found

_TITLE = re.compile(r"\s*#\s+[^\n]+\n+(?:>\s*[^\n]+\n*)?(?P<rest>.*)", re.S)

def title_problem(path):
    "Why the title cell of notebook `path` loses text on the site, or None"
    first = next((c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"), None)
    m = first and _TITLE.match(first.source)
    if m and m["rest"].strip():
        return f"its title cell holds more than title and description, which the page drops: {m['rest'].strip()[:60]!r}... (move it to a cell of its own)"

def main(paths):
    given = [Path(p) for p in paths]
    paths = given or sorted((ROOT/"nbs").glob("[0-9]*.ipynb"))
    every = given or [p for p in sorted((ROOT/"nbs").glob("*.ipynb")) if not p.name.startswith("_")]  # title cells: all
    bad = {p: r for p in paths if (r := problems(p))}
    for p in every:
        if t := title_problem(p): bad.setdefault(p, []).append(t)
    for p, rs in bad.items():
        for r in rs: print(f"{p.name}: {r}")
    print(f"{len(paths) - len(bad.keys() & set(paths))} of {len(paths)} module notebooks show clean results"
          + (f"; failing: {', '.join(p.name for p in bad)}" if bad else ""))
    return 1 if bad else 0

if __name__ == "__main__": sys.exit(main(sys.argv[1:]))
