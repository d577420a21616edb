"""grpo_colab against TRL: the same GRPO run with grpo_colab (Tunix on JAX) and with TRL's `GRPOTrainer` + PEFT
(PyTorch), both on CPU, on the tiny Gemma 3 checkpoint that ships in Hugging Face format
(grpo_colab/assets/tiny-gemma3).

Same data in the same order (grpo_colab's shuffled tiny-arithmetic prompts, chat template applied),
same reward functions (grpo_colab's format_exact, format_partial, answer_correct), same group size
(4 prompts x 4 completions per step), completion limit (32 tokens), sampling (temperature 1, no
top-k), LoRA rank/alpha (8/16 on the attention and MLP projections), AdamW (lr 1e-3, betas 0.9/0.99,
weight decay 0.1, warm-up 10% then cosine, grad-norm clip 1.0), KL weight 0.04, epsilon 0.2,
one optimisation pass per batch, and TRL's `loss_type="grpo"` (per-sequence token mean, as
grpo_colab's default). Each framework runs in its own process so that peak memory is its own.

Measured: seconds per step after the first `--warmup` steps (median), peak resident memory
(`ru_maxrss`) and its rise over the process's memory just before training, and the reward trend
(mean total reward over the first and the last quarter of the steps).

`--shape gemma3-1b` (or gemma3-270m) runs the same comparison at a real model's size: both frameworks
load the same random-weight Hugging Face checkpoint with the published architecture
(`bench/shapes.py`, built once and cached outside the repo), in float32, with the issue's memory
configuration: 1 prompt x 2 completions per step, prompts of at most 128 tokens, 16 new tokens,
LoRA rank 64 (alpha 64), and the library's defaults for everything else (lr 3e-6, KL weight 0.08,
grad-norm clip 0.1, temperature 0.9, top-k 50). Random weights make the rewards noise; the point
is time and memory. TRL's gradient checkpointing follows the config's `remat` (off), as its default
(on) would trade TRL's time for memory that grpo_colab does not trade.

    python bench/vs_trl.py [--steps 40] [--warmup 5]                                  # tiny -> vs_trl.json
    flock /tmp/grpo_bigmem.lock python bench/vs_trl.py --shape gemma3-1b --steps 4 --warmup 1   # -> vs_trl-gemma3-1b.json
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # bench/shapes.py
OUT = ROOT / "bench" / "results" / "vs_trl.json"


def rss() -> int:
    "Current resident memory of this process, bytes"
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def checkpoint_dir(shape: str) -> Path:
    "The Hugging Face folder both frameworks load"
    if shape == "tiny":
        from grpo_colab.models import tiny_model_dir
        return Path(tiny_model_dir())
    from shapes import shape_checkpoint
    return shape_checkpoint(shape)


def config(a, output_dir: str):
    "The run both frameworks reproduce: the tiny preset, or a real shape with the memory bench's configuration"
    from grpo_colab import ColabTrainingConfig
    if a.shape == "tiny":
        return ColabTrainingConfig.tiny(output_dir=output_dir, num_batches=a.steps, checkpoint_every=a.steps, experiment_name="vs_trl")
    from shapes import registry_model
    return ColabTrainingConfig(model=registry_model(a.shape), model_source=str(checkpoint_dir(a.shape)), dataset="tiny-arithmetic",
                               dtype="float32", output_dir=output_dir, experiment_name="vs_trl", num_batches=a.steps, checkpoint_every=a.steps,
                               batch_size=1, num_generations=a.generations, total_generation_steps=a.new_tokens, max_prompt_length=a.prompt_length,
                               lora_rank=64, lora_alpha=64.0)


def run_grpo_colab(a) -> dict:
    from grpo_colab import prepare_colab_session, train_grpo
    c = config(a, tempfile.mkdtemp())
    s = prepare_colab_session(c)
    before = rss()
    t = time.perf_counter()
    st = train_grpo(c, s, display="off")
    total = time.perf_counter() - t
    logs = [{k: v for k, v in m.items() if isinstance(v, (int, float))} for m in st.metrics]
    return dict(framework="grpo_colab (Tunix, JAX)", step_times=[m["step_time_s"] for m in st.metrics], logs=logs,
                rewards=[m["rewards/sum"] for m in st.metrics], total_s=total, rss_before_train=before, peak_rss=peak_rss(),
                lora_params=int(sum(v.size for v in __import__("jax").tree.leaves(__import__("flax").nnx.state(s.lora_model, __import__("flax").nnx.LoRAParam)))))


def run_trl(a) -> dict:
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer
    from grpo_colab.data import prepare_datasets, batches
    from grpo_colab.rewards import create_reward_functions
    from grpo_colab.session import eos_token_ids
    c = config(a, tempfile.mkdtemp())
    steps = a.steps
    train_ds, _ = prepare_datasets(c)
    rows = []
    for b in batches(train_ds, c.batch_size, c.num_batches):  # grpo_colab's order, batch by batch
        rows += [dict(prompt=str(p), answer=str(a)) for p, a in zip(b["prompts"], b["answer"])]
    data = Dataset.from_list(rows)
    reward_fns = create_reward_functions(c)
    d = checkpoint_dir(a.shape)
    tok = AutoTokenizer.from_pretrained(d)
    model = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32)
    eos = eos_token_ids(tok, c)  # EOS and <end_of_turn>, as grpo_colab stops
    prompt_tokens = [len(i) for i in tok([r["prompt"] for r in rows])["input_ids"]]
    gc = {"on": True, "off": False}.get(a.trl_gradient_checkpointing, c.remat if a.shape != "tiny" else True)
    args = GRPOConfig(
        output_dir=tempfile.mkdtemp(), max_steps=steps, per_device_train_batch_size=c.batch_size * c.num_generations,
        gradient_accumulation_steps=1, num_generations=c.num_generations, max_completion_length=c.total_generation_steps,
        temperature=c.temperature, top_p=c.top_p, top_k=c.top_k or 0, beta=c.beta, epsilon=c.epsilon, num_iterations=c.num_iterations,
        loss_type="grpo", scale_rewards="group", learning_rate=c.learning_rate, lr_scheduler_type="cosine",
        warmup_steps=int(c.warmup_ratio * steps), weight_decay=c.weight_decay, adam_beta1=c.adam_b1, adam_beta2=c.adam_b2,
        max_grad_norm=c.max_grad_norm, gradient_checkpointing=gc, shuffle_dataset=False, seed=c.seed, use_cpu=True, bf16=False, logging_steps=1,
        save_strategy="no", report_to="none", disable_tqdm=True, generation_kwargs=dict(eos_token_id=eos, pad_token_id=tok.pad_token_id))
    peft = LoraConfig(r=c.lora_rank, lora_alpha=c.lora_alpha, lora_dropout=0.0, task_type="CAUSAL_LM",
                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])

    class Clock(TrainerCallback):
        def __init__(self): self.last, self.times, self.rewards, self.logs = None, [], [], []
        def on_step_begin(self, a, state, control, **kw):
            if self.last is None: self.last = time.perf_counter()
        def on_step_end(self, a, state, control, **kw):
            now = time.perf_counter(); self.times.append(now - self.last); self.last = now
        def on_log(self, a, state, control, logs=None, **kw):
            if logs and "reward" in logs:
                self.rewards.append(float(logs["reward"])); self.logs.append({k: v for k, v in logs.items() if isinstance(v, (int, float))})

    clock = Clock()
    trainer = GRPOTrainer(model=model, reward_funcs=reward_fns, args=args, train_dataset=data, processing_class=tok,
                          peft_config=peft, callbacks=[clock])
    lora = sum(p.numel() for n, p in trainer.model.named_parameters() if "lora_" in n)
    before = rss()
    t = time.perf_counter()
    trainer.train()
    total = time.perf_counter() - t
    return dict(framework=f"TRL {__import__('trl').__version__} GRPOTrainer + PEFT (torch {torch.__version__})",
                step_times=clock.times, rewards=clock.rewards, logs=clock.logs, total_s=total, rss_before_train=before, peak_rss=peak_rss(),
                lora_params=int(lora), torch_threads=torch.get_num_threads(), gradient_checkpointing=gc,
                prompt_tokens=[min(prompt_tokens), max(prompt_tokens)])


def summarise(r: dict, warmup: int) -> dict:
    t, rw = r["step_times"], r["rewards"]
    q = max(len(rw) // 4, 1)
    return dict(framework=r["framework"], steps=len(t), s_per_step=statistics.median(t[warmup:]), first_steps_s=sum(t[:warmup]),
                total_s=r["total_s"], peak_rss_gib=r["peak_rss"] / 2**30, train_rise_gib=(r["peak_rss"] - r["rss_before_train"]) / 2**30,
                reward_first_quarter=statistics.mean(rw[:q]), reward_last_quarter=statistics.mean(rw[-q:]), lora_params=r["lora_params"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shape", default="tiny", choices=["tiny", "gemma3-270m", "gemma3-1b"],
                    help="tiny: the embedded checkpoint and tiny preset; else a random-weight checkpoint of that architecture")
    ap.add_argument("--steps", type=int, help="training steps (default 40 for tiny, 4 for a real shape)")
    ap.add_argument("--warmup", type=int, help="steps left out of the per-step time (compilation, first allocations); default 5 for tiny, 1 otherwise")
    ap.add_argument("--generations", type=int, default=2, help="completions per prompt at a real shape (tiny: the preset's 4)")
    ap.add_argument("--new-tokens", type=int, default=16, help="new tokens per completion at a real shape (tiny: the preset's 32)")
    ap.add_argument("--prompt-length", type=int, default=128, help="max_prompt_length at a real shape: Tunix pads every prompt to it, TRL does not")
    ap.add_argument("--threads", type=int, help="CPU threads for each framework (torch.set_num_threads / XLA's intra-op threads); default: all cores. "
                    "1 makes the comparison less sensitive to other jobs on a shared machine")
    ap.add_argument("--trl-gradient-checkpointing", choices=["on", "off"],
                    help="default: off at a real shape (as grpo_colab's remat=False), on for tiny (TRL's default, as vs_trl.json was measured)")
    ap.add_argument("--worker", choices=["grpo_colab", "trl"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help="default bench/results/vs_trl.json (tiny) or vs_trl-<shape>.json")
    a = ap.parse_args()
    tiny = a.shape == "tiny"
    a.steps = a.steps or (40 if tiny else 4)
    a.warmup = a.warmup if a.warmup is not None else (5 if tiny else 1)
    if a.worker:
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            r = (run_grpo_colab if a.worker == "grpo_colab" else run_trl)(a)
        print("RESULT " + json.dumps(r))
        return
    out = a.out or (OUT if tiny else OUT.with_name(f"vs_trl-{a.shape}.json"))
    if not tiny: checkpoint_dir(a.shape)  # build the shape once, outside the measured processes
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "TQDM_DISABLE": "1"}
    if a.threads:
        env.update(OMP_NUM_THREADS=str(a.threads), XLA_FLAGS=f"{env.get('XLA_FLAGS', '')} --xla_cpu_multi_thread_eigen={str(a.threads > 1).lower()} "
                                                             f"intra_op_parallelism_threads={a.threads}".strip())
    results, load = {}, {"start": os.getloadavg()}
    for w in ("grpo_colab", "trl"):  # one after the other: each peak is its own and they don't share the 2 cores
        cmd = [sys.executable, __file__, "--worker", w, "--shape", a.shape, "--steps", str(a.steps), "--warmup", str(a.warmup),
               "--generations", str(a.generations), "--new-tokens", str(a.new_tokens), "--prompt-length", str(a.prompt_length)]
        if a.trl_gradient_checkpointing: cmd += ["--trl-gradient-checkpointing", a.trl_gradient_checkpointing]
        if a.threads: cmd += ["--threads", str(a.threads)]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        line = next((l for l in p.stdout.splitlines() if l.startswith("RESULT ")), None)
        if p.returncode or line is None: sys.exit(f"{w} worker failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
        results[w] = json.loads(line[7:])
        load[f"after_{w}"] = os.getloadavg()
    s = {w: summarise(r, a.warmup) for w, r in results.items()}
    g, t = s["grpo_colab"], s["trl"]
    print(f"{a.shape}: {a.steps} steps, {a.warmup} warm-up; load average {load}")
    print(f"{'':26}{'grpo_colab':>14}{'TRL':>14}{'TRL/grpo_colab':>16}")
    for k, fmt in (("s_per_step", ".3f"), ("first_steps_s", ".1f"), ("total_s", ".1f"), ("peak_rss_gib", ".2f"), ("train_rise_gib", ".3f"),
                   ("reward_first_quarter", ".3f"), ("reward_last_quarter", ".3f"), ("lora_params", "d")):
        ratio = t[k] / g[k] if g[k] else float("nan")
        print(f"{k:26}{format(g[k], fmt):>14}{format(t[k], fmt):>14}{ratio:>16.2f}")
    out.parent.mkdir(parents=True, exist_ok=True)
    run = {} if tiny else dict(checkpoint=f"bench/shapes.py {a.shape} (random weights, float32)", batch_size=1, num_generations=a.generations,
                               max_prompt_length=a.prompt_length, new_tokens=a.new_tokens, lora_rank=64, lora_alpha=64)
    run["trl_gradient_checkpointing"] = results["trl"]["gradient_checkpointing"]
    out.write_text(json.dumps(dict(args=dict(shape=a.shape, steps=a.steps, warmup=a.warmup, threads=a.threads or os.cpu_count()), run=run, cpu_count=os.cpu_count(),
                                   load_avg=load["start"], load_avg_during=load,
                                   machine_note="2 CPU cores shared with other jobs: the load average shows how busy it was",
                                   summary=s, ratios_trl_over_grpo_colab={k: t[k] / g[k] for k in ("s_per_step", "peak_rss_gib", "train_rise_gib") if g[k]},
                                   raw=results), indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
