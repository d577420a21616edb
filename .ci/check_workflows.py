#!/usr/bin/env python
"""The GitHub workflows parse and do what an nbdev 3 project needs.

`.github/workflows/test.yaml` runs nbdev's CI action (`nbdev3-ci`: notebooks clean, package in sync,
`nbdev-test`), once as it is and once with the `slow` flag; `deploy.yaml` publishes the site with
`quarto-ghp3`. Both set up the Python version pyproject.toml's `requires-python` starts at, test flags
are ones `[tool.nbdev] tst_flags` declares, and every `.ci/check_*.py` a workflow names exists.

    python .ci/check_workflows.py   # exit 1 naming each problem
"""
import re, sys, tomllib
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parent.parent
WF = ROOT/".github"/"workflows"

def _steps(wf):
    for name, job in (wf.get("jobs") or {}).items():
        for s in job.get("steps") or []: yield name, s

def problems():
    proj = tomllib.loads((ROOT/"pyproject.toml").read_text())
    py = re.match(r">=\s*(\d+\.\d+)", proj["project"]["requires-python"])[1]
    flags = set(proj["tool"]["nbdev"].get("tst_flags", "").split())
    found, wfs = [], {}
    for name in ("test.yaml", "deploy.yaml"):
        p = WF/name
        if not p.exists(): found.append(f"{name}: missing"); continue
        try: wf = yaml.safe_load(p.read_text())
        except yaml.YAMLError as e: found.append(f"{name}: not YAML: {e}"); continue
        wf["on"] = wf.pop(True, wf.get("on"))  # YAML 1.1 reads a bare `on` key as True
        wfs[name] = wf
        if not wf.get("name"): found.append(f"{name}: no workflow name")
        if not wf.get("on"): found.append(f"{name}: no `on:` triggers")
        for job, body in (wf.get("jobs") or {}).items():
            if "runs-on" not in body: found.append(f"{name}: job {job} has no runs-on")
            if not body.get("steps"): found.append(f"{name}: job {job} has no steps")
        if not wf.get("jobs"): found.append(f"{name}: no jobs")
        for job, s in _steps(wf):
            if "uses" in s and "/workflows/" in s["uses"]:
                if "@" not in s["uses"]: found.append(f"{name}: {s['uses']} names no ref")
                if (v := str((s.get("with") or {}).get("version", ""))) != py:
                    found.append(f"{name}: job {job} sets up Python {v or '(the action default)'}, pyproject says >={py}")
                if bad := set(str((s.get("with") or {}).get("flags", "")).split()) - flags:
                    found.append(f"{name}: job {job} runs flags {sorted(bad)} that tst_flags does not declare")
            for c in re.findall(r"for check in ([\w ]+); do python \.ci/check_\$check\.py", s.get("run", "")):
                found += [f"{name}: names .ci/check_{n}.py, which does not exist" for n in c.split() if not (ROOT/".ci"/f"check_{n}.py").exists()]
    uses = lambda n: [s.get("uses", "") for _, s in _steps(wfs.get(n, {}))]
    ci = [s for _, s in _steps(wfs.get("test.yaml", {})) if "/nbdev3-ci@" in s.get("uses", "")]
    if "test.yaml" in wfs:
        if not ci: found.append("test.yaml: no step uses nbdev3-ci")
        if ci and not any("slow" in str((s.get("with") or {}).get("flags", "")).split() for s in ci):
            found.append("test.yaml: no nbdev3-ci step runs the slow tests (flags: slow)")
        if ci and not any(not (s.get("with") or {}).get("flags") for s in ci):
            found.append("test.yaml: no nbdev3-ci step runs the default tests")
    if "deploy.yaml" in wfs and not any("/quarto-ghp3@" in u for u in uses("deploy.yaml")):
        found.append("deploy.yaml: no step uses quarto-ghp3")
    return found

def main():
    found = problems()
    for f in found: print(f)
    if not found: print("test.yaml and deploy.yaml parse and run nbdev3-ci (default and slow) and quarto-ghp3")
    return 1 if found else 0

if __name__ == "__main__": sys.exit(main())
