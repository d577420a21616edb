"""Pipeline overhead: steps/second of `train_grpo` against a hand-written Tunix GRPO loop.

Both run in one process on the tiny preset, over the same session objects (policy, reference,
tokenizer, data), with the same optimizer, rollout and checkpoint settings. Runs alternate and
repeat; the median of each is compared. Target: train_grpo within 5% of raw Tunix.

    python bench/overhead.py [--steps 60] [--repeats 2]
"""
import argparse, statistics, tempfile, time
from pathlib import Path

import optax
import orbax.checkpoint as ocp
from tunix.rl import rl_cluster as rlc
from tunix.rl.grpo.grpo_learner import GRPOConfig, GRPOLearner
from tunix.rl.rollout import base_rollout

from grpo_colab import ColabTrainingConfig, prepare_colab_session, train_grpo
from grpo_colab.data import batches


def raw_tunix(c, s, ckpt_dir):
    "What a user would write by hand with Tunix, for the same run"
    schedule = optax.warmup_cosine_decay_schedule(0.0, c.learning_rate, int(c.warmup_ratio * c.num_batches), c.num_batches, 0.0)
    opt = optax.chain(optax.clip_by_global_norm(c.max_grad_norm),
                      optax.adamw(schedule, b1=c.adam_b1, b2=c.adam_b2, weight_decay=c.weight_decay))
    eos = [s.tokenizer.eos_token_id, s.tokenizer.convert_tokens_to_ids("<end_of_turn>")]
    training = rlc.RLTrainingConfig(
        actor_optimizer=opt, eval_every_n_steps=10**9, max_steps=c.num_batches, mini_batch_size=c.batch_size,
        train_micro_batch_size=c.batch_size, checkpoint_root_directory=str(ckpt_dir),
        checkpointing_options=ocp.CheckpointManagerOptions(save_interval_steps=c.checkpoint_every, max_to_keep=c.max_checkpoints_to_keep))
    rollout = base_rollout.RolloutConfig(
        max_tokens_to_generate=c.total_generation_steps, max_prompt_length=c.max_prompt_length,
        kv_cache_size=c.max_prompt_length + c.total_generation_steps + 8, temperature=c.temperature,
        top_p=c.top_p, top_k=c.top_k, eos_tokens=eos)
    m = s.mesh
    cluster = rlc.RLCluster(actor=s.lora_model, reference=s.base_model, tokenizer=s.tokenizer,
                            cluster_config=rlc.ClusterConfig(role_to_mesh={rlc.Role.ACTOR: m, rlc.Role.REFERENCE: m, rlc.Role.ROLLOUT: m},
                                                             rollout_engine="vanilla", offload_to_cpu=False,
                                                             training_config=training, rollout_config=rollout))
    learner = GRPOLearner(rl_cluster=cluster, reward_fns=s.reward_fns,
                          algo_config=GRPOConfig(num_generations=c.num_generations, num_iterations=c.num_iterations,
                                                 beta=c.beta, epsilon=c.epsilon))
    learner.train(batches(s.train_dataset, c.batch_size, c.num_batches))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp())
    base = ColabTrainingConfig.tiny(output_dir=str(root / "session"), num_batches=args.steps, checkpoint_every=20)
    session = prepare_colab_session(base)
    times = {"raw tunix": [], "train_grpo": []}
    for r in range(args.repeats):
        for name in (("raw tunix", "train_grpo") if r % 2 == 0 else ("train_grpo", "raw tunix")):
            t = time.perf_counter()
            if name == "raw tunix": raw_tunix(base, session, root / f"raw{r}")
            else: train_grpo(ColabTrainingConfig.tiny(output_dir=str(root / f"pipe{r}"), num_batches=args.steps, checkpoint_every=20), session)
            times[name].append(time.perf_counter() - t)
    sps = {k: args.steps / statistics.median(v) for k, v in times.items()}
    print(f"\nsteps/s  raw tunix: {sps['raw tunix']:.2f}   train_grpo: {sps['train_grpo']:.2f}   "
          f"(median of {args.repeats}, {args.steps} steps each, runs: {times})")
    ratio = sps["train_grpo"] / sps["raw tunix"]
    print(f"train_grpo / raw tunix speed ratio: {ratio:.3f}  (target >= 0.95: {'met' if ratio >= 0.95 else 'NOT met'})")


if __name__ == "__main__":
    main()
