"""Reference-judge cost: one batched Yes/No forward pass against generating a textual verdict.

Both judge the same completions against the same criteria with the same frozen model (the tiny
preset's base model unless --config names another run config):

(a) `ReferenceJudge.criteria_scores`: every (completion, criterion) pair in one forward pass; the
    verdict is P(Yes) / (P(Yes) + P(No)) for the next token.
(b) a Tunix sampler over the same model, given the same judging prompts in one batch, generates
    up to --verdict-tokens tokens of verdict text greedily; the verdict is read from the text.

Each is run once to compile, then timed --repeats times; medians are compared.

    python bench/judge.py [--completions 16] [--criteria 4] [--verdict-tokens 1 4 16] [--repeats 3]
    python bench/judge.py --shape gemma3-1b --verdict-tokens 4 64   # Gemma 3 1B architecture, random weights

With --shape, the model is a random-weight checkpoint with a published architecture built by
`bench/shapes.py` (no download), the responses are fixed answer texts (a random model's own
samples are noise), and the textual judge runs in chunks of --chunk prompts (Tunix's sampler
holds a KV cache per prompt). Results go to bench/results/judge[-<shape>].json.
"""
import argparse, json, statistics, sys, tempfile, time
from pathlib import Path

from grpo_colab import ColabTrainingConfig, prepare_colab_session
from grpo_colab.data import Criterion
from grpo_colab.judge import ReferenceJudge
from grpo_colab.rewards import JudgeItem, extract_answer
from grpo_colab.session import generate, eos_token_ids

CRITERIA = [Criterion("States the correct result of the calculation.", 5.0), Criterion("Shows the calculation.", 3.0),
            Criterion("Gives a single number as the final answer.", 1.0), Criterion("Gives a wrong number.", -2.0)]


ANSWERS = ["Non-contrast helical CT of the abdomen and pelvis; it finds stones of any composition and shows hydronephrosis.",
           "Ice is less dense than liquid water because hydrogen bonds hold the molecules in an open lattice.",
           "The answer is 42, since six times seven is forty-two.", "An abdominal X-ray is the most accurate test.",
           "Chlorophyll absorbs red and blue light and reflects green.", "Metformin is the first-line drug for type 2 diabetes.",
           "The current is 2 A by Ohm's law: 10 V across 5 ohms.", "I am not sure; it could be several things."]

def textual_verdicts(session, prompts, verdict_tokens, chunk=None):
    "Generate a verdict for each judging prompt with a Tunix sampler over the base model, `chunk` prompts at a time; 1.0 for Yes"
    from tunix.generate import sampler as sampler_lib
    tok, mc = session.tokenizer, session.model_config
    longest = max(len(tok.encode(p)) for p in prompts)
    cache = sampler_lib.CacheConfig(cache_size=longest + verdict_tokens + 8, num_layers=mc.num_layers,
                                    num_kv_heads=mc.num_kv_heads, head_dim=mc.head_dim)
    sampler = sampler_lib.Sampler(transformer=session.base_model, tokenizer=tok, cache_config=cache)
    step = chunk or len(prompts)
    def run():
        texts = []
        for s in range(0, len(prompts), step):
            out = sampler(prompts[s:s + step], max_generation_steps=verdict_tokens, max_prompt_length=longest,
                          eos_tokens=[], temperature=1e-6, top_k=1, top_p=None, seed=0)
            texts += out.text
        return [1.0 if t.strip().lower().startswith("yes") else 0.0 for t in texts]
    return run


def timed(fn, repeats):
    fn()  # compile
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", help="a run config (YAML/JSON); default: the tiny preset")
    ap.add_argument("--completions", type=int, default=16)
    ap.add_argument("--criteria", type=int, default=4)
    ap.add_argument("--verdict-tokens", type=int, nargs="+", default=[4], help="one or more verdict lengths to compare")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--shape", help="a published architecture from bench/shapes.py, e.g. gemma3-1b (random weights)")
    ap.add_argument("--dtype", default="float32", help="parameter dtype with --shape")
    ap.add_argument("--chunk", type=int, default=None, help="prompts per sampler call for (b); default: all (16 with --shape)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    if args.shape:
        sys.path.insert(0, str(Path(__file__).parent))
        from shapes import shape_checkpoint, registry_model
        config = ColabTrainingConfig(model=registry_model(args.shape), model_source=str(shape_checkpoint(args.shape)), dtype=args.dtype,
                                     dataset="tiny-arithmetic", output_dir=tmp, experiment_name="judge-bench", lora_rank=8,
                                     max_prompt_length=128, total_generation_steps=16)
    else:
        config = ColabTrainingConfig.load(args.config) if args.config else ColabTrainingConfig.tiny(output_dir=tmp, dataset="tiny-arithmetic")
    session = prepare_colab_session(config)
    recs = [session.eval_dataset[i % len(session.eval_dataset)] for i in range(args.completions)]
    if args.shape: completions = [ANSWERS[i % len(ANSWERS)] for i in range(args.completions)]
    else: completions = [extract_answer(c, config) or c for c in generate(session, [r["prompts"] for r in recs])]
    criteria = tuple((CRITERIA * args.criteria)[:args.criteria])
    items = [JudgeItem(r["question"], c, criteria) for r, c in zip(recs, completions)]
    judge = ReferenceJudge(session.base_model, session.tokenizer, config, session.mesh)
    prompts = judge.criterion_prompts(items)  # the very prompts (a) scores
    n, chunk = len(prompts), args.chunk or (16 if args.shape else None)
    tokens = sum(len(session.tokenizer.encode(p)) for p in prompts)
    out = Path(__file__).parent / "results" / (f"judge-{args.shape}.json" if args.shape else "judge.json")
    out.parent.mkdir(exist_ok=True)
    t_a, runs_a = timed(lambda: judge.criteria_scores(items), args.repeats)
    print(f"\n{n} (completion, criterion) pairs, {tokens} prompt tokens, model {config.model!r} "
          f"({args.shape or 'its own weights'}, {config.dtype}), device {session.mesh.devices.flat[0].platform}")
    print(f"(a) reference judge, one forward pass:      {t_a * 1000:8.1f} ms  (runs {[round(x, 3) for x in runs_a]})")
    result = dict(shape=args.shape or config.model, dtype=config.dtype, pairs=n, prompt_tokens=tokens, repeats=args.repeats,
                  reference_s=t_a, reference_runs=runs_a, textual={})
    out.write_text(json.dumps(result, indent=2))
    for k in args.verdict_tokens:
        t_b, runs_b = timed(textual_verdicts(session, prompts, k, chunk), args.repeats)
        print(f"(b) sampler, {k:3d} verdict tokens per pair:   {t_b * 1000:8.1f} ms  (runs {[round(x, 3) for x in runs_b]})"
              f"   wall-time ratio (b) / (a): {t_b / t_a:.2f}x")
        result["textual"][str(k)] = dict(seconds=t_b, runs=runs_b, ratio=t_b / t_a, chunk=chunk)
        out.write_text(json.dumps(result, indent=2))  # after each measurement: a long run keeps what it measured
    print(f"wrote {out}")

if __name__ == "__main__":
    main()
