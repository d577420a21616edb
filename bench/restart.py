"""Warm restarts: time from process start to the first GRPO step after a restart, with an empty
compilation cache (cold) and with the cache the previous run left in the run folder (warm).

The scenario is a Colab runtime that restarts in the middle of a run: a fresh Python process
resumes the run from its latest checkpoint and trains on. A setup run trains step 1 and saves it;
each measured run is a fresh subprocess that resumes a copy of that run folder and trains steps 2
and 3 through the public API (`prepare_colab_session` + `train_grpo`):

- cold: the copy's `jax_cache` is empty, so every program is compiled;
- warm: the same folder, put back to its step-1 state but keeping the `jax_cache` the cold run
  wrote there, resumed again.

Both do the same work; only the cache differs. Each child reports its phases (imports, session,
training call), JAX's own counters (persistent-cache hits and misses; seconds spent tracing,
lowering, and compiling or reading compiled programs back from the cache), the wall time from its
spawn to the end of its first step, and the second step's time: what a step costs once nothing is
left to compile. The first step's own computation is in both cold and warm times, so the bench also
reports the restart's overhead, time to the first step minus that steady step. Medians over the
repeats; the result goes to bench/results/restart.json. Target: warm <= 0.3x cold.

With `--shape gemma3-1b` the run uses a random-weight checkpoint in Gemma 3 1B's published
architecture (`bench/shapes.py`, built once and cached outside the repo) at issue 8's config
(B=1, G=2, 16 new tokens, prompt 128, LoRA 64/64); the result goes to restart-<shape>.json.

    python bench/restart.py [--repeats 3] [--shape gemma3-1b] [--set key=value ...]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(run_root: str, spawned_at: float, overrides: list[str], num_batches: int):
    "One measured process: resume the run in `run_root` and train two more steps"
    t0 = time.perf_counter()
    import jax
    from jax._src import monitoring
    counts, durations = {}, {}
    monitoring.register_event_listener(lambda e, **kw: counts.__setitem__(e, counts.get(e, 0) + 1))
    monitoring.register_event_duration_secs_listener(lambda e, d, **kw: durations.__setitem__(e, durations.get(e, 0.0) + d))
    from grpo_colab.config import ColabTrainingConfig, parse_overrides
    from grpo_colab.session import prepare_colab_session
    from grpo_colab.train import train_grpo
    import grpo_colab.train as T
    step_ends, record = [], T.MetricsRecorder.__call__  # Tunix calls the recorder once per finished step
    def recorded(self, *a, **k):
        n = len(self.history) + len(self._pending)
        r = record(self, *a, **k)
        if len(self.history) + len(self._pending) > n: step_ends.append(time.time())
        return r
    T.MetricsRecorder.__call__ = recorded
    t_imp = time.perf_counter()
    cfg = ColabTrainingConfig.tiny(**{**parse_overrides(overrides), "output_dir": run_root, "num_batches": num_batches,
                                      "checkpoint_every": 1, "resume": True})
    session = prepare_colab_session(cfg)
    t_sess = time.perf_counter()
    state = train_grpo(cfg, session)
    t_train = time.perf_counter()
    new_steps = [num_batches] if num_batches == 1 else [num_batches - 1, num_batches]  # setup: step 1; measured: two
    assert [m["step"] for m in state.metrics] == new_steps, state.metrics
    if num_batches == 1: return {}
    cache = cfg.run_dir / "jax_cache"
    files = [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    assert len(step_ends) == 2, step_ends
    steady = step_ends[1] - step_ends[0]
    return dict(
        to_first_step_s=step_ends[0] - spawned_at, steady_step_s=steady,
        restart_overhead_s=step_ends[0] - spawned_at - steady,
        imports_s=t_imp - t0, session_s=t_sess - t_imp, train_call_s=t_train - t_sess,
        step_time_s=state.metrics[0]["step_time_s"],
        cache_read_s=durations.get("/jax/compilation_cache/cache_retrieval_time_sec", 0.0),
        cache_hits=counts.get("/jax/compilation_cache/cache_hits", 0),
        cache_misses=counts.get("/jax/compilation_cache/cache_misses", 0),
        trace_s=durations.get("/jax/core/compile/jaxpr_trace_duration", 0.0),
        lower_s=durations.get("/jax/core/compile/jaxpr_to_mlir_module_duration", 0.0),
        backend_compile_s=durations.get("/jax/core/compile/backend_compile_duration", 0.0),
        cache_files=len(files), cache_mb=sum(p.stat().st_size for p in files) / 1e6)


def spawn(run_root: Path, overrides: list[str], num_batches: int) -> dict:
    t = time.time()
    r = subprocess.run([sys.executable, __file__, "--child", str(run_root), "--spawned-at", repr(t),
                        "--num-batches", str(num_batches), "--set", *overrides],
                       capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    lines = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"child failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="config overrides on the tiny preset")
    ap.add_argument("--shape", default="", help="a real-size shape from bench/shapes.py instead of the tiny model")
    ap.add_argument("--out", default="")
    ap.add_argument("--child"); ap.add_argument("--spawned-at", type=float); ap.add_argument("--num-batches", type=int)
    a = ap.parse_args()
    if a.child:
        print("RESULT " + json.dumps(child(a.child, a.spawned_at, a.set, a.num_batches)))
        return
    if a.shape:
        sys.path.insert(0, str(HERE))
        from shapes import shape_overrides
        a.set = shape_overrides(a.shape) + a.set
    a.out = a.out or str(HERE / "results" / (f"restart-{a.shape}.json" if a.shape else "restart.json"))
    root = Path(tempfile.mkdtemp(prefix="restart-"))
    setup = root / "setup"
    spawn(setup, a.set, 1)  # trains and saves step 1
    (run_name,) = [p.name for p in setup.iterdir() if p.is_dir()]
    shutil.rmtree(setup / run_name / "jax_cache")
    runs = {"cold": [], "warm": []}
    for r in range(a.repeats):
        run = root / f"run{r}"  # one folder per repeat: cold, then warm in the same place, as after a restart
        shutil.copytree(setup, run)
        runs["cold"].append(spawn(run, a.set, 3))
        shutil.move(run / run_name / "jax_cache", root / "kept_cache")  # back to the step-1 state, keeping the cache
        shutil.rmtree(run)
        shutil.copytree(setup, run)
        shutil.move(root / "kept_cache", run / run_name / "jax_cache")
        runs["warm"].append(spawn(run, a.set, 3))
        for k in ("cold", "warm"):
            m = runs[k][-1]
            print(f"repeat {r + 1} {k}: first step {m['to_first_step_s']:.1f}s after spawn, next step {m['steady_step_s']:.1f}s "
                  f"(imports {m['imports_s']:.1f}, session {m['session_s']:.1f}; XLA compile or cache read "
                  f"{m['backend_compile_s']:.1f} (cache read {m['cache_read_s']:.1f}), "
                  f"trace {m['trace_s']:.1f}, lower {m['lower_s']:.1f}; cache hits {m['cache_hits']}, misses {m['cache_misses']})",
                  flush=True)
    med = {k: {f: statistics.median(m[f] for m in v) for f in v[0]} for k, v in runs.items()}
    ratio = med["warm"]["to_first_step_s"] / med["cold"]["to_first_step_s"]
    overhead_ratio = med["warm"]["restart_overhead_s"] / med["cold"]["restart_overhead_s"]
    after_imports = ((med["warm"]["to_first_step_s"] - med["warm"]["imports_s"]) /
                     (med["cold"]["to_first_step_s"] - med["cold"]["imports_s"]))
    result = dict(
        scenario=(f"fresh process resumes a {a.shape or 'tiny-preset'} run from its step-1 checkpoint and trains steps 2 "
                  "and 3; time to the end of step 2"),
        shape=a.shape or "tiny", overrides=[o for o in a.set if not o.startswith("model_source=")], repeats=a.repeats, cpu_count=os.cpu_count(),
        median=med, warm_over_cold=ratio, warm_over_cold_after_imports=after_imports,
        overhead_warm_over_cold=overhead_ratio, target_warm_over_cold=0.3,
        runs=runs, command="python bench/restart.py " + " ".join(sys.argv[1:]))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=2))
    c, w = med["cold"], med["warm"]
    print(f"median time to first step: cold {c['to_first_step_s']:.1f}s, warm {w['to_first_step_s']:.1f}s; "
          f"warm/cold = {ratio:.2f} (target <= 0.3); after imports: {after_imports:.2f}")
    print(f"median restart overhead (first step minus a steady step): cold {c['restart_overhead_s']:.1f}s, "
          f"warm {w['restart_overhead_s']:.1f}s; warm/cold = {overhead_ratio:.2f}")
    print(f"median XLA compile: cold {c['backend_compile_s']:.1f}s, warm {w['backend_compile_s']:.1f}s; "
          f"tracing+lowering (not cached by JAX): cold {c['trace_s'] + c['lower_s']:.1f}s, warm {w['trace_s'] + w['lower_s']:.1f}s")
    print(f"wrote {a.out}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
