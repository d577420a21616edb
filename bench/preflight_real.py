"""The pre-flight check on real pretrained models, on CPU: what it says before a single update.

    python bench/preflight_real.py    # -> bench/results/preflight_real.json

- Gemma 3 270M base with the settings `bench/real_model.py` trains with (two worked examples in the
  system prompt, G = 6, temperature 1.0): the run that went on to learn.
- SmolLM2-135M-Instruct with the default system prompt and the chat template, G = 4: a model that
  answers in its own words and never writes the tags, so every group scores alike (a cold start).

Both models are built offline from the package registry by `real_models.build` (cached outside the
repo). The result keeps each report and two sampled completions per model.
"""
import contextlib, io, json, sys, time, warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULT = HERE / "results" / "preflight_real.json"

def configs(out_dir: Path) -> dict:
    from real_model import SYSTEM
    from grpo_colab.config import ColabTrainingConfig
    from real_models import build
    common = dict(dataset="tiny-arithmetic", dtype="float32", max_prompt_length=160, total_generation_steps=32,
                  top_k=None, output_dir=str(out_dir), beta=0.0, compilation_cache=False)
    return {"gemma-3-270m": ColabTrainingConfig(model=str(build("gemma-3-270m")), system_prompt=SYSTEM, num_generations=6,
                                                temperature=1.0, experiment_name="preflight-gemma", **common),
            "SmolLM2-135M-Instruct": ColabTrainingConfig(model=str(build("SmolLM2-135M-Instruct")), num_generations=4,
                                                         experiment_name="preflight-smollm2", **common)}

def main():
    import tempfile
    from real_models import bench_lock
    from grpo_colab.session import prepare_colab_session, preflight, generate
    warnings.simplefilter("ignore")
    res = {}
    with tempfile.TemporaryDirectory() as t, bench_lock():
        for name, cfg in configs(Path(t)).items():
            with contextlib.redirect_stdout(io.StringIO()): session = prepare_colab_session(cfg)
            t0 = time.time()
            pf = preflight(cfg, session)
            sample = generate(session, [session.train_dataset[0]["prompts"]] * 2, greedy=False)
            res[name] = dict(report=repr(pf), zero_spread=pf.zero_spread, truncated=pf.truncated, lengths=pf.lengths,
                             checks={k: list(v) for k, v in pf.checks.items()}, advice=pf.advice, seconds=round(time.time() - t0, 1),
                             question=session.train_dataset[0]["question"], samples=sample)
            print(repr(pf), flush=True)
    RESULT.write_text(json.dumps(res, indent=1))
    print(f"wrote {RESULT}")

if __name__ == "__main__": main()
