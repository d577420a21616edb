#!/usr/bin/env python
"""Pages speak to users: no phrases about how the project was made.

The notebooks become the documentation site and `nbs/index.ipynb` becomes README.md, so what they
say (markdown, comments and strings in code, stored outputs) is read by users who have never seen
this project's tracker or its planning. Phrases that only make sense to the people who built it fail:

- planning words: "design document", "the team", "TODO";
- this project's tracker: "issue 12", "issue #12", "issue's", "the real-size issue", "-issue" labels;
- a goal called a target: "the target was 5x", "short of the 5x target", "0.3x target", "met the target";
- the circumstances of one run: "was not available", "GPU was not", "this session".

What does not fail: `target` in names and LoRA vocabulary ("lora_target_modules", "target modules",
"LoRA targets", "a target model" as Orbax calls it, `target=` arguments), and references to public
upstream threads by project and number ("TRL #2971", "tunix#123", a link to another repository's
issues), which tell a user where to read more. Only this project's own tracker numbers fail.

    python .ci/check_language.py [FILE ...]   # exit 1 printing file, cell (or README line) and phrase
"""
import io, re, sys, tokenize
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parent.parent

_GOAL_BEFORE = r"(?:short\s+of|meets?|met|miss(?:ed|es)?|reach(?:ed|es)?|hit|beat|exceed(?:ed|s)?|our|the|a|\d+(?:\.\d+)?\s*[x×%]|speed|memory|overhead|size|time)"
_GOAL_WORD = r"(?:\d+(?:\.\d+)?\s*[x×%]|speed|memory|overhead|size|time|ratio|throughput|accuracy)"
_NOT_GOAL_AFTER = r"\s+(?:modules?|layers?|model|weights?|names?|paths?|device|folder|dir(?:ectory)?|column|dtype|shape|sharding)\b"
PATTERNS = [
    ("design document", re.compile(r"\bdesign[- ]doc(?:ument)?s?\b", re.I)),
    ("the team", re.compile(r"\bthe team\b", re.I)),
    ("TODO", re.compile(r"\bTODO\b")),
    ("issue number", re.compile(r"(?<![\w/#-])issues?\s*#?\d+\b", re.I)),
    ("tracker number", re.compile(r"(?<![\w&#])#\d{1,4}\b")),
    ("issue's", re.compile(r"\bissue['’]s\b", re.I)),
    ("named issue", re.compile(r"\b(?:the|this|that|our|original)\s+(?:real[- ]size|review|original|memory|speed|size)?\s*issue\b(?!\s+(?:tracker|template))", re.I)),
    ("issue label", re.compile(r"[\w.-]*\w-issue\b[\w.-]*", re.I)),
    ("target as a goal", re.compile(
        rf"(?:\b{_GOAL_BEFORE}\s+(?:{_GOAL_WORD}\s+){{0,2}}targets?\b(?!{_NOT_GOAL_AFTER})(?![\w`-])"
        rf"|(?<![\w.`-])targets?\s+(?:was|is|of|ratio)\b(?!\s+modules)"
        rf"|\d+(?:\.\d+)?\s*[x×]\s+targets?\b)", re.I)),
    ("not available", re.compile(r"\b(?:was|were)\s+not\s+available\b|\b(?:wasn['’]t|weren['’]t)\s+available\b", re.I)),
    ("GPU was not", re.compile(r"\b(?:GPU|TPU|accelerator|device)s?\s+(?:was|were)\s+not\b|\bno\s+(?:GPU|TPU)\s+was\b", re.I)),
    ("this session", re.compile(r"\bthis session\b", re.I)),
]
# upstream references: "TRL #2971", "tunix#123", or a link into another repository's issues
_UPSTREAM = re.compile(r"\b(?!(?:issues?|pr|pulls?|see|in|and|or|the)\b)[A-Za-z][\w.-]*\s?#\d+|github\.com/(?!grpo-colab/)[\w.-]+/[\w.-]+/(?:issues|pull)/\d+", re.I)

def _code_text(src):
    "Comments and string literals of a code cell (the whole cell where it does not tokenize)"
    lines = [l for l in src.splitlines() if not l.lstrip().startswith(("#|", "!", "%"))]
    try:
        toks = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
        return "\n".join(t.string for t in toks if t.type in (tokenize.COMMENT, tokenize.STRING)
                         or t.type == getattr(tokenize, "FSTRING_MIDDLE", -1))
    except (tokenize.TokenError, IndentationError, SyntaxError): return "\n".join(lines)

def _outputs(cell):
    for o in cell.get("outputs", []):
        if o.output_type == "stream": yield o.text
        for k, v in o.get("data", {}).items():
            if k.startswith("text/"): yield v if isinstance(v, str) else "".join(v)

def phrases(text):
    "Each offending phrase in `text`, as (name, the words found)"
    allowed = [m.span() for m in _UPSTREAM.finditer(text)]
    for name, rx in PATTERNS:
        for m in rx.finditer(text):
            if any(a <= m.start() < b for a, b in allowed): continue
            yield name, " ".join(m[0].split())

def problems(path):
    path = Path(path)
    if path.suffix == ".md":
        return [f"{path.name} line {n}: {name}: {w!r}" for n, l in enumerate(path.read_text().splitlines(), 1) for name, w in phrases(l)]
    found = []
    for i, c in enumerate(nbformat.read(path, as_version=4).cells):
        parts = [("markdown", c.source)] if c.cell_type == "markdown" else [("code", _code_text(c.source))] if c.cell_type == "code" else []
        parts += [("output", t) for t in _outputs(c)]
        for where, text in parts:
            found += [f"{path.name} cell {i} ({where}): {name}: {w!r}" for name, w in phrases(text)]
    return found

def main(paths):
    paths = [Path(p) for p in paths] or [p for p in sorted((ROOT/"nbs").glob("*.ipynb")) if not p.name.startswith("_")] + [ROOT/"README.md"]
    found = [f for p in paths for f in problems(p)]
    for f in found: print(f)
    print(f"{len(paths)} files: " + (f"{len(found)} phrase(s) about how the project was made; say it to users"
                                     if found else "no phrases about how the project was made"))
    return 1 if found else 0

if __name__ == "__main__": sys.exit(main(sys.argv[1:]))
