#!/usr/bin/env python
"""The install line of nbs/train_colab.ipynb installs what this repository tests.

Students copy that line into Colab, so it must name this release's tag (`grpo_colab.__version__`)
and, for every accelerator it offers, JAX at the version pyproject.toml pins (the version installed
here too).

    python .ci/check_pins.py   # exit 1 naming each pin that disagrees
"""
import re, sys, tomllib
from pathlib import Path
from importlib.metadata import version
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT/"nbs"/"train_colab.ipynb"

def problems():
    deps = tomllib.loads((ROOT/"pyproject.toml").read_text())["project"]["dependencies"]
    jax = next((d.split("==")[1] for d in deps if d.startswith("jax==")), None)
    pkg = re.search(r'__version__\s*=\s*"([^"]+)"', (ROOT/"grpo_colab"/"__init__.py").read_text())[1]
    cells = [c.source for c in nbformat.read(NB, as_version=4).cells if c.cell_type == "code" and "pip install" in c.source]
    if not cells: return [f"{NB.name}: no cell installs the package"]
    lines = [l for l in cells[0].splitlines() if "pip install" in l]
    found = []
    if jax is None: found.append("pyproject.toml pins no jax==<version>")
    elif version("jax") != jax: found.append(f"jax {version('jax')} is installed, pyproject.toml pins {jax}")
    for l in lines:
        if set(re.findall(r"@v([\w.]+)\"", l)) != {pkg}: found.append(f"{NB.name} installs a tag other than v{pkg}: {l.strip()}")
        if set(re.findall(r"jax\[\w+\]==([\w.]+)", l)) != {jax}: found.append(f"{NB.name} installs JAX other than {jax}: {l.strip()}")
    return found

def main():
    found = problems()
    for f in found: print(f)
    if not found: print("train_colab's install line names this release and pyproject's JAX")
    return 1 if found else 0

if __name__ == "__main__": sys.exit(main())
