"""Each notebook's exported code imports only modules exported by earlier-numbered notebooks,
so the notebooks read (and run) in order. Prints the first offending import per notebook."""
import json, re, sys
from pathlib import Path

nbs = sorted(p for p in Path("nbs").glob("[0-9][0-9]*.ipynb"))
cells = {p: [''.join(c["source"]) for c in json.loads(p.read_text())["cells"] if c["cell_type"] == "code"] for p in nbs}
module_of = {}
for p, srcs in cells.items():
    for s in srcs:
        if m := re.search(r"^#\|\s*default_exp\s+(\S+)", s, re.M): module_of[m.group(1)] = p
bad = []
for p, srcs in cells.items():
    for s in srcs:
        if not re.match(r"\s*#\|\s*export", s): continue
        for m in re.finditer(r"^\s*(?:from\s+(?:grpo_colab)?\.(\w+)\s+import|import\s+grpo_colab\.(\w+))", s, re.M):
            name = m.group(1) or m.group(2)
            q = module_of.get(name)
            if q is not None and q != p and q.name > p.name:
                bad.append(f"{p.name} imports {name} from the later {q.name}")
for b in bad: print(b)
print(f"{len(nbs)} notebooks: " + ("each imports only earlier ones" if not bad else f"{len(bad)} import(s) from later notebooks"))
sys.exit(1 if bad else 0)
