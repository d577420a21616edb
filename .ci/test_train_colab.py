#!/usr/bin/env python
"""nbs/train_colab.ipynb does what it promises, run the way a student runs it.

The notebook holds only the cells a student runs (Colab shows every cell, `#| hide` included), so
its checks live here: run it as `nbdev-test` would (same cells, `IN_TEST` set) in a fresh folder, so
the run starts from step 0, then check that the mean reward rose from the first to the last quarter
and that the trained model answers in the trained format. `.ci/check_pins.py` checks its install line.

    python .ci/test_train_colab.py           # about a minute on two CPU cores; exit 1 saying what failed
    python .ci/test_train_colab.py --store   # also store the run for nbs/index.ipynb (nbs/fixtures/tiny_run/)

The stored run is what the README's numbers and curves come from: its metrics without timings
(`metrics.jsonl`), and `summary.json` with the question, the trained model's answer and the held-out
scores before and after.
"""
import json, os, shutil, sys, tempfile
from pathlib import Path
from nbdev.process import read_nb
from execnb.shell import CaptureShell
from nbdev.test import _skip_cell
from nbdev.config import get_config

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT/"nbs"/"train_colab.ipynb"
STORE = ROOT/"nbs"/"fixtures"/"tiny_run"
_KEEP = ("step", "rewards/", "kl", "completions/mean_length", "completions/max_length", "eval/", "loss", "entropy")

def store(run_dir, ns):
    "Keep the run's metrics (no timings) and its before/after numbers where nbs/index.ipynb reads them"
    STORE.mkdir(parents=True, exist_ok=True)
    recs = [json.loads(l) for l in (run_dir/"metrics.jsonl").read_text().splitlines() if l.strip()]
    keep = lambda k: any(k == p or (p.endswith("/") and k.startswith(p)) for p in _KEEP) or k == "kl_enabled"
    (STORE/"metrics.jsonl").write_text("".join(json.dumps({k: v for k, v in r.items() if keep(k)}) + "\n" for r in recs))
    ev = lambda r: {k: (int(v) if k == "examples" else round(float(v), 6)) for k, v in r.metrics.items()}
    summary = dict(question=ns["config"].test_question, answer=ns["answer"], before=ev(ns["before"]), after=ev(ns["after"]))
    (STORE/"summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"stored {len(recs)} steps in {STORE.relative_to(ROOT)}")

def main():
    os.environ["IN_TEST"] = "1"
    skip = _skip_cell(read_nb(NB), get_config().tst_flags.split())
    with tempfile.TemporaryDirectory() as d:
        nb = read_nb(shutil.copy(NB, Path(d)/NB.name))
        os.chdir(d)
        shell = CaptureShell(d)
        shell.run_all(nb, exc_stop=True, preproc=skip)
        ns = shell.user_ns
        first, last = ns["trainer_state"].reward_trend()
        from grpo_colab.rewards import format_regex
        fails = []
        if not last > first: fails.append(f"mean total reward did not rise: first quarter {first:.3f}, last quarter {last:.3f}")
        if not format_regex(ns["config"]).fullmatch(ns["answer"]): fails.append(f"quick_test's answer is not in the trained format: {ns['answer']!r}")
        if not (Path(d)/"grpo_runs"/"tiny"/"metrics.jsonl").exists(): fails.append("the run wrote no metrics.jsonl under grpo_runs/tiny")
        os.chdir(ROOT)
        if "--store" in sys.argv[1:] and not fails: store(Path(d)/"grpo_runs"/"tiny", ns)
    for f in fails: print(f)
    if not fails: print(f"train_colab runs: reward {first:.2f} -> {last:.2f}, answer {ns['answer']!r}")
    return 1 if fails else 0

if __name__ == "__main__": sys.exit(main())
