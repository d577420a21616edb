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

Only the tiny shape runs here: the Gemma 3 1B shape needs ~21 GB peak per process in grpo_colab
on CPU (see the README), too heavy for a shared 2-core machine.

    python bench/vs_trl.py [--steps 40] [--warmup 5]
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "vs_trl.json"


def rss() -> int:
    "Current resident memory of this process, bytes"
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def config(steps: int, output_dir: str):
    from grpo_colab import ColabTrainingConfig
    return ColabTrainingConfig.tiny(output_dir=output_dir, num_batches=steps, checkpoint_every=steps, experiment_name="vs_trl")


def run_grpo_colab(steps: int) -> dict:
    from grpo_colab import prepare_colab_session, train_grpo
    c = config(steps, tempfile.mkdtemp())
    s = prepare_colab_session(c)
    before = rss()
    t = time.perf_counter()
    st = train_grpo(c, s, display="off")
    total = time.perf_counter() - t
    return dict(framework="grpo_colab (Tunix, JAX)", step_times=[m["step_time_s"] for m in st.metrics],
                rewards=[m["rewards/sum"] for m in st.metrics], total_s=total, rss_before_train=before, peak_rss=peak_rss(),
                lora_params=int(sum(v.size for v in __import__("jax").tree.leaves(__import__("flax").nnx.state(s.lora_model, __import__("flax").nnx.LoRAParam)))))


def run_trl(steps: int) -> dict:
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer
    from grpo_colab.data import prepare_datasets, batches
    from grpo_colab.rewards import create_reward_functions
    from grpo_colab.models import tiny_model_dir
    c = config(steps, tempfile.mkdtemp())
    train_ds, _ = prepare_datasets(c)
    rows = []
    for b in batches(train_ds, c.batch_size, c.num_batches):  # grpo_colab's order, batch by batch
        rows += [dict(prompt=str(p), answer=str(a)) for p, a in zip(b["prompts"], b["answer"])]
    data = Dataset.from_list(rows)
    reward_fns = create_reward_functions(c)
    d = tiny_model_dir()
    tok = AutoTokenizer.from_pretrained(d)
    model = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32)
    eos = [tok.eos_token_id, tok.convert_tokens_to_ids("<end_of_turn>")]
    args = GRPOConfig(
        output_dir=tempfile.mkdtemp(), max_steps=steps, per_device_train_batch_size=c.batch_size * c.num_generations,
        gradient_accumulation_steps=1, num_generations=c.num_generations, max_completion_length=c.total_generation_steps,
        temperature=c.temperature, top_p=c.top_p, top_k=0, beta=c.beta, epsilon=c.epsilon, num_iterations=c.num_iterations,
        loss_type="grpo", scale_rewards="group", learning_rate=c.learning_rate, lr_scheduler_type="cosine",
        warmup_steps=int(c.warmup_ratio * steps), weight_decay=c.weight_decay, adam_beta1=c.adam_b1, adam_beta2=c.adam_b2,
        max_grad_norm=c.max_grad_norm, shuffle_dataset=False, seed=c.seed, use_cpu=True, bf16=False, logging_steps=1,
        save_strategy="no", report_to="none", disable_tqdm=True, generation_kwargs=dict(eos_token_id=eos, pad_token_id=tok.pad_token_id))
    peft = LoraConfig(r=c.lora_rank, lora_alpha=c.lora_alpha, lora_dropout=0.0, task_type="CAUSAL_LM",
                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])

    class Clock(TrainerCallback):
        def __init__(self): self.last, self.times, self.rewards = None, [], []
        def on_step_begin(self, a, state, control, **kw):
            if self.last is None: self.last = time.perf_counter()
        def on_step_end(self, a, state, control, **kw):
            now = time.perf_counter(); self.times.append(now - self.last); self.last = now
        def on_log(self, a, state, control, logs=None, **kw):
            if logs and "reward" in logs: self.rewards.append(float(logs["reward"]))

    clock = Clock()
    trainer = GRPOTrainer(model=model, reward_funcs=reward_fns, args=args, train_dataset=data, processing_class=tok,
                          peft_config=peft, callbacks=[clock])
    lora = sum(p.numel() for n, p in trainer.model.named_parameters() if "lora_" in n)
    before = rss()
    t = time.perf_counter()
    trainer.train()
    total = time.perf_counter() - t
    return dict(framework=f"TRL {__import__('trl').__version__} GRPOTrainer + PEFT (torch {torch.__version__})",
                step_times=clock.times, rewards=clock.rewards, total_s=total, rss_before_train=before, peak_rss=peak_rss(),
                lora_params=int(lora), torch_threads=torch.get_num_threads())


def summarise(r: dict, warmup: int) -> dict:
    t, rw = r["step_times"], r["rewards"]
    q = max(len(rw) // 4, 1)
    return dict(framework=r["framework"], steps=len(t), s_per_step=statistics.median(t[warmup:]), first_steps_s=sum(t[:warmup]),
                total_s=r["total_s"], peak_rss_gib=r["peak_rss"] / 2**30, train_rise_gib=(r["peak_rss"] - r["rss_before_train"]) / 2**30,
                reward_first_quarter=statistics.mean(rw[:q]), reward_last_quarter=statistics.mean(rw[-q:]), lora_params=r["lora_params"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5, help="steps left out of the per-step time (compilation, first allocations)")
    ap.add_argument("--worker", choices=["grpo_colab", "trl"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    if a.worker:
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            r = (run_grpo_colab if a.worker == "grpo_colab" else run_trl)(a.steps)
        print("RESULT " + json.dumps(r))
        return
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "TQDM_DISABLE": "1"}
    results = {}
    for w in ("grpo_colab", "trl"):
        p = subprocess.run([sys.executable, __file__, "--worker", w, "--steps", str(a.steps)], env=env, capture_output=True, text=True)
        line = next((l for l in p.stdout.splitlines() if l.startswith("RESULT ")), None)
        if p.returncode or line is None: sys.exit(f"{w} worker failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
        results[w] = json.loads(line[7:])
    s = {w: summarise(r, a.warmup) for w, r in results.items()}
    g, t = s["grpo_colab"], s["trl"]
    print(f"{'':26}{'grpo_colab':>14}{'TRL':>14}{'TRL/grpo_colab':>16}")
    for k, fmt in (("s_per_step", ".3f"), ("first_steps_s", ".1f"), ("total_s", ".1f"), ("peak_rss_gib", ".2f"), ("train_rise_gib", ".3f"),
                   ("reward_first_quarter", ".3f"), ("reward_last_quarter", ".3f"), ("lora_params", "d")):
        ratio = t[k] / g[k] if g[k] else float("nan")
        print(f"{k:26}{format(g[k], fmt):>14}{format(t[k], fmt):>14}{ratio:>16.2f}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(dict(args=dict(steps=a.steps, warmup=a.warmup), cpu_count=os.cpu_count(), load_avg=os.getloadavg(),
                                     summary=s, ratios_trl_over_grpo_colab={k: t[k] / g[k] for k in ("s_per_step", "peak_rss_gib", "train_rise_gib") if g[k]},
                                     raw=results), indent=1))
    print(f"wrote {a.out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
