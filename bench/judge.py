"""Reference-judge cost: one batched Yes/No forward pass against generating a textual verdict.

Both judge the same completions against the same criteria with the same frozen model (the tiny
preset's base model unless --config names another run config):

(a) `ReferenceJudge.criteria_scores`: every (completion, criterion) pair in one forward pass; the
    verdict is P(Yes) / (P(Yes) + P(No)) for the next token.
(b) a Tunix sampler over the same model, given the same judging prompts in one batch, generates
    up to --verdict-tokens tokens of verdict text greedily; the verdict is read from the text.

Each is run once to compile, then timed --repeats times; medians are compared.

    python bench/judge.py [--completions 16] [--criteria 4] [--verdict-tokens 1 4 16] [--repeats 3]
"""
import argparse, statistics, tempfile, time

from grpo_colab import ColabTrainingConfig, prepare_colab_session
from grpo_colab.data import Criterion
from grpo_colab.judge import ReferenceJudge
from grpo_colab.rewards import JudgeItem, extract_answer
from grpo_colab.session import generate, eos_token_ids

CRITERIA = [Criterion("States the correct result of the calculation.", 5.0), Criterion("Shows the calculation.", 3.0),
            Criterion("Gives a single number as the final answer.", 1.0), Criterion("Gives a wrong number.", -2.0)]


def textual_verdicts(session, prompts, verdict_tokens):
    "Generate a verdict for each judging prompt with a Tunix sampler over the base model; 1.0 for Yes"
    from tunix.generate import sampler as sampler_lib
    tok, mc = session.tokenizer, session.model_config
    longest = max(len(tok.encode(p)) for p in prompts)
    cache = sampler_lib.CacheConfig(cache_size=longest + verdict_tokens + 8, num_layers=mc.num_layers,
                                    num_kv_heads=mc.num_kv_heads, head_dim=mc.head_dim)
    sampler = sampler_lib.Sampler(transformer=session.base_model, tokenizer=tok, cache_config=cache)
    def run():
        out = sampler(prompts, max_generation_steps=verdict_tokens, max_prompt_length=longest,
                      eos_tokens=eos_token_ids(tok, session.config), temperature=1e-6, top_k=1, top_p=None, seed=0)
        return [1.0 if t.strip().lower().startswith("yes") else 0.0 for t in out.text]
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
    args = ap.parse_args()
    config = (ColabTrainingConfig.load(args.config) if args.config else
              ColabTrainingConfig.tiny(output_dir=tempfile.mkdtemp(), dataset="tiny-arithmetic"))
    session = prepare_colab_session(config)
    recs = [session.eval_dataset[i % len(session.eval_dataset)] for i in range(args.completions)]
    completions = generate(session, [r["prompts"] for r in recs])
    criteria = tuple((CRITERIA * args.criteria)[:args.criteria])
    items = [JudgeItem(r["question"], extract_answer(c, config) or c, criteria) for r, c in zip(recs, completions)]
    judge = ReferenceJudge(session.base_model, session.tokenizer, config, session.mesh)
    prompts = judge.criterion_prompts(items)  # the very prompts (a) scores
    n = len(prompts)
    t_a, runs_a = timed(lambda: judge.criteria_scores(items), args.repeats)
    print(f"\n{n} (completion, criterion) pairs, model {config.model!r}, device {session.mesh.devices.flat[0].platform}")
    print(f"(a) reference judge, one forward pass:      {t_a * 1000:8.1f} ms  (runs {[round(x, 3) for x in runs_a]})")
    for k in args.verdict_tokens:
        t_b, runs_b = timed(textual_verdicts(session, prompts, k), args.repeats)
        print(f"(b) sampler, {k:3d} verdict tokens per pair:   {t_b * 1000:8.1f} ms  (runs {[round(x, 3) for x in runs_b]})"
              f"   wall-time ratio (b) / (a): {t_b / t_a:.2f}x")

if __name__ == "__main__":
    main()
