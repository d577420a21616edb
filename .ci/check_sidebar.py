#!/usr/bin/env python
"Every notebook in nbs/ appears in nbs/sidebar.yml exactly once, and the sidebar names no missing notebook."
import sys
from pathlib import Path
import yaml

NBS = Path(__file__).resolve().parent.parent/"nbs"

def entries(items):
    "The notebook names of a sidebar's `contents`, sections included"
    for i in items:
        if isinstance(i, str): yield i
        elif isinstance(i, dict) and "contents" in i: yield from entries(i["contents"])
        elif isinstance(i, dict) and "href" in i: yield i["href"]

def main():
    listed = list(entries(yaml.safe_load((NBS/"sidebar.yml").read_text())["website"]["sidebar"]["contents"]))
    have = {p.name for p in NBS.glob("*.ipynb") if not p.name.startswith(("_", "."))}
    problems = [f"nbs/{n} is not in nbs/sidebar.yml" for n in sorted(have - set(listed))]
    problems += [f"nbs/sidebar.yml names {n}, which does not exist" for n in sorted(set(listed) - have)]
    problems += [f"nbs/sidebar.yml lists {n} twice" for n in sorted({n for n in listed if listed.count(n) > 1})]
    for p in problems: print(p)
    if not problems: print(f"nbs/sidebar.yml lists all {len(have)} notebooks once")
    return 1 if problems else 0

if __name__ == "__main__": sys.exit(main())
