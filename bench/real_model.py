"""GRPO on a real pretrained model, on CPU: does held-out accuracy rise over the untrained model's?

    python bench/real_model.py [--minutes 45] [--steps 120]    # -> bench/results/real_model.json

The model is Gemma 3 270M base (built offline from the package registry by `real_models.build`,
cached outside the repo). Choices, as a practitioner would make them for a base model:

- Task: `tiny-arithmetic` (sums and differences of one-digit numbers). The untrained base gets
  about a third right, so groups of samples differ in reward from the first step (no cold start).
- Template: a base model was never taught a chat, so prompts use the completion template
  ("Question: ... Answer:") with two worked examples in the system prompt showing the tag format.
  The examples use two-digit numbers, which the data never asks about, so an answer can never be
  a copy of them. A completion ends at a blank line, where few-shot examples end.
- G = 6 completions per prompt, 4 prompts per step, temperature 1.0: enough spread per group.
- LoRA rank 16 (alpha 32) on every projection; learning rate 3e-5, warm-up then cosine; beta 0
  (no reference model: TRL's default, and half the forward passes).
- Default rewards (format_exact, format_partial, answer_correct, copy-guarded).

Before and after training the same held-out questions are answered greedily (`evaluate`), and the
result file keeps accuracy, format rate, the per-step reward curves, and the completions of the
same questions before and after. Finally the run is exported and the PEFT adapter on the real base,
in transformers + peft, is compared with the JAX policy's logits.
"""
import argparse, contextlib, io, json, sys, time, warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULT = HERE / "results" / "real_model.json"
SYSTEM = ("Question: What is 12 plus 23?\nAnswer: <reasoning>12 plus 23 is 35</reasoning><answer>35</answer>\n\n"
          "Question: What is 46 minus 14?\nAnswer: <reasoning>46 minus 14 is 32</reasoning><answer>32</answer>")

def run(minutes: float, steps: int, out_dir: Path, name: str = "gemma-3-270m"):
    from real_models import build, bench_lock
    from grpo_colab.config import ColabTrainingConfig
    from grpo_colab.session import prepare_colab_session
    from grpo_colab.evaluate import evaluate
    from grpo_colab.train import train_grpo, read_metrics
    from grpo_colab.export import export_checkpoint
    warnings.simplefilter("ignore")
    folder = build(name)
    cfg = ColabTrainingConfig(model=str(folder), dataset="tiny-arithmetic", dtype="float32", system_prompt=SYSTEM,
                              lora_rank=16, lora_alpha=32.0, learning_rate=3e-5, warmup_ratio=0.1, beta=0.0,
                              num_batches=steps, batch_size=4, num_generations=6, temperature=1.0, top_k=None,
                              max_prompt_length=160, total_generation_steps=32, train_fraction=0.75,
                              checkpoint_every=20, max_train_minutes=minutes, eval_every=20, eval_examples=39,
                              output_dir=str(out_dir), experiment_name=f"real-{name}-{time.strftime('%Y%m%d-%H%M%S')}", export_merged=False)
    with bench_lock():
        t0 = time.time()
        with contextlib.redirect_stdout(io.StringIO()): session = prepare_colab_session(cfg)
        before = evaluate(cfg, session, show=False)
        t1 = time.time()
        state = train_grpo(cfg, session, display="text")
        t2 = time.time()
        after = evaluate(cfg, session, show=False)
        export_checkpoint(cfg, state)
        peft_diff = peft_check(cfg, session, folder, cfg.run_dir / "export" / f"step_{state.steps_done}")
    rows = read_metrics(cfg.run_dir)
    res = dict(model=name, config={k: v for k, v in cfg.to_dict().items() if k in (
                   "lora_rank", "lora_alpha", "learning_rate", "beta", "batch_size", "num_generations", "temperature",
                   "total_generation_steps", "num_batches", "system_prompt", "dataset")},
               steps_done=state.steps_done, train_minutes=round((t2 - t1) / 60, 1), setup_s=round(t1 - t0),
               before=before.metrics, after=after.metrics,
               samples=[dict(question=q, before=b, after=a) for q, b, a in zip(before.questions, before.completions, after.completions)],
               curves=curves(rows), peft_max_abs_logit_diff=peft_diff)
    RESULT.write_text(json.dumps(res, indent=1))
    print(f"accuracy {before.metrics['accuracy']:.3f} -> {after.metrics['accuracy']:.3f}, format {before.metrics['format_rate']:.3f} -> "
          f"{after.metrics['format_rate']:.3f} over {before.metrics['examples']} held-out questions, {state.steps_done} steps; "
          f"PEFT |diff| {peft_diff:.1e}; wrote {RESULT}")
    return res

def curves(rows: list[dict]) -> list[dict]:
    "Per step: the rewards, the zero-spread share and, where it was measured, held-out accuracy"
    keep = lambda k: k.startswith("rewards/") or k in ("step", "eval/accuracy", "frac_reward_zero_std")
    return [{k: v for k, v in r.items() if keep(k)} for r in rows]

def peft_check(cfg, session, base_dir: Path, export_dir: Path) -> float:
    "max |logit| difference between the trained JAX policy and transformers + peft with the exported adapter"
    import numpy as np, torch, transformers as T
    from peft import PeftModel
    from grpo_colab.hf import jax_logits
    ids = np.asarray([session.tokenizer(session.eval_dataset[0]["prompts"] + " <reasoning>3 plus 4 is 7</reasoning>")["input_ids"]])
    m = PeftModel.from_pretrained(T.AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32), export_dir / "adapter").eval()
    with torch.no_grad(): want = m(torch.tensor(ids)).logits.numpy()
    return float(np.abs(jax_logits(session.lora_model, ids) - want).max())

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=45.0, help="training budget (the run checkpoints and stops there)")
    p.add_argument("--steps", type=int, default=120, help="GRPO steps the learning-rate schedule spans")
    p.add_argument("--out", type=Path, default=Path("/tmp/grpo_colab_real_model"), help="run folder (outside the repo)")
    a = p.parse_args()
    try: run(a.minutes, a.steps, a.out)
    except (RuntimeError, ValueError) as e: sys.exit(f"real_model.py: {e}")
