"""What periodic held-out evaluation costs: one evaluation of `eval_examples` prompts against `eval_every` steps.

    python bench/eval_cost.py [--steps 20] [--repeats 3]    # -> bench/results/eval_cost.json

On the tiny preset: train `--steps` GRPO steps without evaluation and take the median step time
(the first two steps, which compile, left out); then time `evaluate` on the default
`eval_examples` held-out prompts `--repeats` times after one warm-up call (it compiles too).
The cost of evaluation on by default is one evaluation per `eval_every` steps:

    overhead = evaluation seconds / (eval_every x step seconds)
"""
import argparse, contextlib, io, json, statistics, sys, tempfile, time, warnings
from pathlib import Path

RESULT = Path(__file__).resolve().parent / "results" / "eval_cost.json"

def measure(steps: int, repeats: int) -> dict:
    from grpo_colab.config import ColabTrainingConfig
    from grpo_colab.session import prepare_colab_session
    from grpo_colab.train import train_grpo, read_metrics
    from grpo_colab.evaluate import evaluate
    warnings.simplefilter("ignore")
    defaults = ColabTrainingConfig.tiny()
    with tempfile.TemporaryDirectory() as d:
        cfg = ColabTrainingConfig.tiny(output_dir=d, num_batches=steps, eval_every=None, checkpoint_every=steps)
        with contextlib.redirect_stdout(io.StringIO()):
            session = prepare_colab_session(cfg)
            train_grpo(cfg, session, display="off")
        step_s = statistics.median(r["step_time_s"] for r in read_metrics(cfg.run_dir)[2:])
        evaluate(cfg, session, max_examples=defaults.eval_examples, show=False)  # warm-up: compiles
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            evaluate(cfg, session, max_examples=defaults.eval_examples, show=False)
            times.append(time.perf_counter() - t)
    eval_s = statistics.median(times)
    return dict(preset="tiny", eval_every=defaults.eval_every, eval_examples=defaults.eval_examples,
                step_s=round(step_s, 4), eval_s=round(eval_s, 4), eval_s_all=[round(t, 4) for t in times],
                overhead=round(eval_s / (defaults.eval_every * step_s), 4))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    r = measure(a.steps, a.repeats)
    RESULT.write_text(json.dumps(r, indent=1))
    print(f"tiny preset: a step {r['step_s']:.3f} s, an evaluation of {r['eval_examples']} prompts {r['eval_s']:.3f} s: "
          f"every {r['eval_every']} steps that is {r['overhead']:.1%} more time; wrote {RESULT}")
    sys.exit(0)
