"""Real-size checkpoints without downloads: random weights in a model's published architecture.

transformers builds each from its config (no hub access); the folder is cached outside the repo
(`$GRPO_SHAPES_DIR`, default `~/.cache/grpo_colab/shapes`) and reused. The tokenizer is a byte-level
BPE trained on this repo's own prose, so English text costs about as many tokens as with a real
tokenizer; its ids stay far below the model's vocabulary, which is all the model needs.

    python bench/shapes.py gemma3-1b      # builds (about a minute) and prints the folder
"""
import os, sys, json
from pathlib import Path

def _gemma3(layers, hidden, inter, heads, kv, head_dim=256, window=512):
    return dict(architectures=["Gemma3ForCausalLM"], model_type="gemma3_text", vocab_size=262144, hidden_size=hidden,
                intermediate_size=inter, num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=kv,
                head_dim=head_dim, sliding_window=window, query_pre_attn_scalar=head_dim,
                layer_types=["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(layers)],
                max_position_embeddings=32768, rms_norm_eps=1e-6, hidden_activation="gelu_pytorch_tanh",
                rope_parameters={"sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
                                 "full_attention": {"rope_type": "default", "rope_theta": 1000000.0}},
                tie_word_embeddings=True, attention_bias=False)

# Published architectures (the models' config.json on the hub)
SHAPES = {"gemma3-1b": ("gemma3-1b-it", _gemma3(26, 1152, 6912, 4, 1)),
          "gemma3-270m": ("gemma3-270m-it", _gemma3(18, 640, 2048, 4, 1))}

# Issue 8's configuration at real size: what bench/memory.py and bench/restart.py --shape run by default
ISSUE_CONFIG = dict(batch_size=1, num_generations=2, total_generation_steps=16, max_prompt_length=128, lora_rank=64)

def shapes_dir() -> Path: return Path(os.environ.get("GRPO_SHAPES_DIR", Path.home() / ".cache" / "grpo_colab" / "shapes"))

def english_tokenizer(vocab_size: int = 8192):
    "A byte-level BPE tokenizer trained on the repo's notebooks and README"
    from grpo_colab.tiny import train_tiny_tokenizer
    root = Path(__file__).resolve().parents[1]
    texts = [(root / "README.md").read_text()]
    for nb in sorted((root / "nbs").glob("*.ipynb")):
        texts += ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"]]
    return train_tiny_tokenizer(texts, vocab_size)

def shape_checkpoint(name: str, dtype: str = "bfloat16") -> Path:
    "The folder of a random-weight Hugging Face checkpoint with `name`'s published architecture (built once)"
    model, arch = SHAPES[name]
    d = shapes_dir() / f"{name}-{dtype}"
    if (d / "config.json").exists() and (d / "tokenizer.json").exists(): return d
    import torch  # only to build; a cached checkpoint costs the measured process no torch import
    from transformers import AutoModelForCausalLM, Gemma3TextConfig
    d.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    m = AutoModelForCausalLM.from_config(Gemma3TextConfig(**{k: v for k, v in arch.items() if k not in ("architectures", "model_type")}),
                                         dtype=getattr(torch, dtype))
    m.save_pretrained(d)
    english_tokenizer().save_pretrained(d)
    return d

def registry_model(name: str) -> str: return SHAPES[name][0]

def shape_overrides(name: str) -> list[str]:
    "`--set` overrides that run the tiny preset's config on shape `name` at ISSUE_CONFIG (the checkpoint is built if needed)"
    return [f"model={registry_model(name)}", f"model_source={shape_checkpoint(name)}",
            *(f"{k}={v}" for k, v in ISSUE_CONFIG.items()), f"lora_alpha={ISSUE_CONFIG['lora_rank']}", "export_merged=false"]

if __name__ == "__main__":
    for n in sys.argv[1:] or ["gemma3-1b"]: print(shape_checkpoint(n))
