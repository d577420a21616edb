"""Memory per phase of a GRPO run through the public API, next to the bytes of the weights.

Builds (once, cached outside the repo) a random-weight checkpoint with a published architecture
(`bench/shapes.py`), then runs what a user runs: `prepare_colab_session` (load), `train_grpo` for
--steps steps with a checkpoint every step (rollout, policy update, checkpoint save) and
`export_checkpoint` (export). "step end" is after the step's host-memory release (what the process
holds between steps). A thread samples the process's resident memory every 5 ms; each
phase reports its peak and the memory held when it ended. On an accelerator the same phases
report the device's `peak_bytes_in_use` / `bytes_in_use` instead.

Reported next to two references: the weight bytes (parameters x dtype size) and the distinct
parameter bytes the session holds (base + LoRA + any second copy).

    python bench/memory.py --shape gemma3-1b --steps 3           # the issue's configuration
    python bench/memory.py --shape gemma3-270m --generations 4 --new-tokens 64
    python bench/memory.py --shape gemma3-1b --steps 1 --quantize-base int8   # QLoRA: the base's projections as int8
Writes bench/results/memory-<shape>[-<tag>].json.
"""
import argparse, json, os, tempfile, threading, time
from pathlib import Path
from shapes import ISSUE_CONFIG, shape_checkpoint, registry_model  # this folder is on the path when the bench runs as a script

def rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"): return int(line.split()[1]) * 1024
    return 0

class Sampler:
    "Resident memory sampled every `dt` seconds, with named phase marks"
    def __init__(self, dt=0.005):
        self.dt, self.samples, self.marks, self._stop, self.live = dt, [], [], False, []
        self.device = None
        try:
            import jax
            d = jax.devices()[0]
            if d.platform != "cpu" and d.memory_stats(): self.device = d
        except Exception: pass
        threading.Thread(target=self._run, daemon=True).start()
    def now(self):
        if self.device is not None: return self.device.memory_stats().get("bytes_in_use", 0)
        return rss()
    def _run(self):
        while not self._stop:
            self.samples.append((time.perf_counter(), self.now())); time.sleep(self.dt)
    def mark(self, name):
        self.marks.append((time.perf_counter(), name, self.now()))
        try:
            # distinct buffers: Orbax's save leaves a second array object over each saved buffer until the next
            # update (a view, not a copy: the update still donates and reuses those buffers), so count each once
            self.live.append((name, live_bytes()))
        except Exception: pass
    def phases(self):
        "Per phase (between consecutive marks, named by the later one): peak and end memory"
        out, prev = [], self.marks[0][0]
        for t, name, end in self.marks[1:]:
            peak = max([m for s, m in self.samples if prev <= s <= t] + [end])
            out.append(dict(phase=name, peak=peak, end=end, seconds=t - prev)); prev = t
        return out

def live_bytes() -> int:
    "Bytes of the distinct buffers behind JAX's live arrays (two array objects over one buffer count once)"
    import jax
    return sum({x.unsafe_buffer_pointer(): x.nbytes for x in jax.live_arrays() if not x.is_deleted()}.values())

def account(weight_bytes: int, imports_rss: int, gb) -> dict:
    """What the process holds between steps, by owner (CPU only): distinct live array buffers; what JAX's caches of
    compiled programs, traces and lowerings hold (resident memory freed by `jax.clear_caches()`); the rest is the
    runtime (Python and the imported libraries) and the allocator's leftovers. Run after training: a next step would
    have to compile again."""
    import ctypes, gc, jax
    libc = ctypes.CDLL("libc.so.6")
    def settled():
        gc.collect(); libc.malloc_trim(0); return rss()
    r0 = settled()
    live = live_bytes()
    jax.clear_caches()
    r1 = settled()
    print(f"distinct live array bytes after clearing JAX's caches: {gb(live_bytes()):.2f} GiB (before: {gb(live):.2f})")
    parts = dict(resident=r0, live_arrays=live, jax_programs=r0 - r1, runtime_and_rest=r1 - live, imports=imports_rss)
    print("between steps, by owner: " + ", ".join(f"{k} {gb(v):.2f} GiB ({v / weight_bytes:.2f}x)" for k, v in parts.items()))
    return parts

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="gemma3-1b")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--batch", type=int, default=ISSUE_CONFIG["batch_size"])
    ap.add_argument("--generations", type=int, default=ISSUE_CONFIG["num_generations"])
    ap.add_argument("--new-tokens", type=int, default=ISSUE_CONFIG["total_generation_steps"])
    ap.add_argument("--prompt", type=int, default=ISSUE_CONFIG["max_prompt_length"])
    ap.add_argument("--rank", type=int, default=ISSUE_CONFIG["lora_rank"])
    ap.add_argument("--beta", type=float, default=0.08)
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--quantize-base", default=None, help="config quantize_base: nf4, int4, int8 or float8_e4m3fn (QLoRA)")
    ap.add_argument("--tag", default="")
    ap.add_argument("--trim", action="store_true", help="call malloc_trim after each phase")
    ap.add_argument("--remat", action="store_true", help="config remat=True (recompute activations in the backward pass)")
    ap.add_argument("--account", action="store_true",
                    help="at the end, split what is held between steps: live arrays, JAX's compiled programs, its traces")
    args = ap.parse_args()
    ckpt = shape_checkpoint(args.shape)
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    def trim():
        "With --trim, hand freed heap memory back to the OS (tells allocator retention from live memory)"
        if args.trim: libc.malloc_trim(0)
    mem = Sampler()
    mem.mark("start")
    import jax
    from grpo_colab import ColabTrainingConfig, prepare_colab_session, train_grpo, export_checkpoint
    from grpo_colab.train import distinct_param_bytes
    import grpo_colab.train as T
    mem.mark("imports")
    config = ColabTrainingConfig(model=registry_model(args.shape), model_source=str(ckpt), dataset="tiny-arithmetic",
                                 output_dir=tempfile.mkdtemp(), experiment_name="memory", dtype=args.dtype,
                                 num_batches=args.steps, batch_size=args.batch, num_generations=args.generations,
                                 total_generation_steps=args.new_tokens, max_prompt_length=args.prompt, checkpoint_every=1,
                                 lora_rank=args.rank, lora_alpha=float(args.rank), beta=args.beta, export_merged=False,
                                 remat=args.remat, quantize_base=args.quantize_base)
    session = prepare_colab_session(config)
    mem.mark("load")
    weight_bytes = sum(x.nbytes for x in jax.tree.leaves(__import__("flax").nnx.state(session.base_model)) if hasattr(x, "nbytes"))
    by_dtype = {}  # the base's bytes by stored dtype: quantized projections and their scales, float embeddings and norms
    for x in jax.tree.leaves(__import__("flax").nnx.state(session.base_model)):
        if hasattr(x, "nbytes"): by_dtype[x.dtype.name] = by_dtype.get(x.dtype.name, 0) + x.addressable_shards[0].data.on_device_size_in_bytes()
    print("base weights by stored dtype (GiB): " + ", ".join(f"{k} {v / 2**30:.3f}" for k, v in by_dtype.items()))
    held = distinct_param_bytes(session.base_model, session.lora_model)
    # phase marks inside training: the rewards are called right after each rollout, the hook right after each update
    fns = session.reward_fns
    first = fns[0]
    def marked(*a, **k):
        mem.mark("rollout"); trim(); return first(*a, **k)
    marked.__name__, marked.stats = first.__name__, getattr(first, "stats", {})
    session.reward_fns = [marked] + fns[1:]
    from orbax.checkpoint import CheckpointManager
    orig_save = CheckpointManager.save
    def save(self, step, *a, **k):  # Tunix saves right after each update (checkpoint_every=1)
        for item in (k.get("args") or a[0]).values(): jax.block_until_ready(item.item)  # the update runs asynchronously: wait for it
        mem.mark("update"); trim()
        r = orig_save(self, step, *a, **k); self.wait_until_finished(); mem.mark("checkpoint save"); trim(); return r
    CheckpointManager.save = save
    release = T.release_host_memory  # train_grpo hands freed host memory back once per step, after the save
    def released(*a, **k):
        r = release(*a, **k); mem.mark("step end"); return r
    T.release_host_memory = released
    t0 = time.perf_counter()
    state = train_grpo(config, session)
    train_s = time.perf_counter() - t0
    mem.mark("train end")
    export_checkpoint(config, state)
    mem.mark("export")
    mem._stop = True
    held_after = distinct_param_bytes(session.base_model, session.lora_model)
    phases = mem.phases()
    by = {}
    for p in phases:
        b = by.setdefault(p["phase"], dict(peak=0, end=[], n=0))
        b["peak"] = max(b["peak"], p["peak"]); b["end"].append(p["end"]); b["n"] += 1
    gb = lambda x: x / 2**30
    kind = "device" if mem.device is not None else "CPU RSS"
    print(f"\n{args.shape} ({config.dtype if config.dtype != 'auto' else 'auto dtype'}), {kind}; weights {gb(weight_bytes):.2f} GiB, "
          f"distinct parameter bytes held {gb(held):.2f} GiB after load, {gb(held_after):.2f} GiB after training")
    live = {}
    for name, b in mem.live: live[name] = b
    print("live JAX arrays at the end of each phase (GiB): " + ", ".join(f"{k} {gb(v):.2f}" for k, v in live.items()))
    print(f"{'phase':16}{'count':>6}{'peak GiB':>10}{'x weights':>10}{'end GiB':>9}{'x weights':>10}")
    for name, b in by.items():
        end = b["end"][-1]
        print(f"{name:16}{b['n']:>6}{gb(b['peak']):>10.2f}{b['peak'] / weight_bytes:>10.2f}{gb(end):>9.2f}{end / weight_bytes:>10.2f}")
    train_phases = [p for p in phases if p["phase"] in ("rollout", "update", "checkpoint save", "step end")]
    peak = max(p["peak"] for p in phases)
    ends = [p["end"] for p in phases if p["phase"] == "step end"] or [p["end"] for p in phases if p["phase"] == "checkpoint save"]
    steady = max(ends) if train_phases else 0  # between steps: what the process holds once a step is done
    print(f"overall peak {gb(peak):.2f} GiB = {peak / weight_bytes:.2f}x weights; between steps {gb(steady):.2f} GiB = {steady / weight_bytes:.2f}x; "
          f"{train_s / args.steps:.1f} s per step (compilation included)")
    accounting = account(weight_bytes, by["imports"]["end"][-1], gb) if args.account and mem.device is None else None
    tag = args.tag or (args.quantize_base or "")
    out = Path(__file__).parent / "results" / f"memory-{args.shape}{'-' + tag if tag else ''}.json"
    out.parent.mkdir(exist_ok=True)
    from grpo_colab.fit import plan_fit
    plan = plan_fit(config, "cpu" if mem.device is None else None)
    print(f"plan_fit predicted {gb(plan.peak):.2f} GiB at the peak: measured / planned = {peak / plan.peak:.2f}")
    env = {k: v for k, v in os.environ.items() if k.startswith(("MALLOC_", "XLA_"))}
    out.write_text(json.dumps(dict(args=vars(args), measure=kind, env=env, plan_peak=plan.peak, plan=plan.components, weight_bytes=weight_bytes, base_bytes_by_dtype=by_dtype, distinct_param_bytes=held,
                                   distinct_param_bytes_after=held_after, peak=peak, steady=steady,
                                   peak_ratio=peak / weight_bytes, steady_ratio=steady / weight_bytes,
                                   phases=phases, live_arrays=mem.live, seconds_per_step=train_s / args.steps,
                                   between_steps=accounting), indent=2))
    print(f"wrote {out}")

if __name__ == "__main__":
    main()
