"""What reading compiled programs back from JAX's persistent cache costs, program by program.

A warm restart (bench/restart.py) compiles nothing, yet on XLA's CPU backend it still spends
seconds in JAX's "cache read". This bench says where: it makes a run folder's cache the way a run
does (a setup process trains step 1 through the public API, as restart.py's setup), then fresh
processes load every cached program back with the backend's own deserializer, one at a time, and
record for each: bytes on disk, serialized bytes, the compile seconds JAX stored with it (whole
seconds, as JAX keeps them), seconds to load it, and the resident memory it adds (RSS after
`malloc_trim`, around the load; loading makes no Python garbage). The programs stay loaded, as in
a run, so the total is what the compiled programs of a run hold. Repeats are fresh processes;
medians per program.
The result goes to bench/results/cache_read[-<shape>].json.

    python bench/cache_read.py [--shape gemma3-1b] [--repeats 3]
"""
import argparse, ctypes, json, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_each(cache: Path) -> list[dict]:
    "In this (fresh) process, deserialize every program in `cache`, biggest last; time and resident memory per program"
    import jax
    from jax._src import xla_bridge, compilation_cache as cc
    from jax._src.lib import xla_client
    from grpo_colab.fit import host_rss
    libc = ctypes.CDLL("libc.so.6")
    def settled():
        libc.malloc_trim(0); return host_rss()
    backend = xla_bridge.get_backend()
    devices = xla_client.DeviceList(tuple(backend.local_devices()[:1]))
    jax.numpy.zeros(1).block_until_ready()  # the runtime's own start-up is not a program's cost
    held, rows = [], []
    for f in sorted(cache.iterdir(), key=lambda f: f.stat().st_size):
        blob = f.read_bytes()
        serialized, compile_s = cc.extract_executable_and_time(cc.decompress_executable(blob))
        before = settled()
        t = time.perf_counter()
        held.append(backend.deserialize_executable(serialized, devices, xla_client.CompileOptions()))
        load_s = time.perf_counter() - t
        rows.append(dict(program=f.name.rsplit("-", 2)[0], file=f.name, disk_bytes=len(blob), serialized_bytes=len(serialized),
                         compile_s=compile_s, load_s=load_s, resident_bytes=settled() - before))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="", help="a real-size shape from bench/shapes.py instead of the tiny model")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print("RESULT " + json.dumps(load_each(Path(a.child))))
        return
    sys.path.insert(0, str(HERE))
    from restart import spawn
    overrides = []
    if a.shape:
        from shapes import shape_overrides
        overrides = shape_overrides(a.shape)
    root = Path(tempfile.mkdtemp(prefix="cache-read-"))
    spawn(root, overrides, 1)  # trains and saves step 1, writing every program it compiles to run_dir/jax_cache
    (cache,) = root.glob("*/jax_cache")
    repeats = []
    for _ in range(a.repeats):
        r = subprocess.run([sys.executable, __file__, "--child", str(cache)], capture_output=True, text=True,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
        lines = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
        if r.returncode != 0 or not lines: raise RuntimeError(f"loader failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
        repeats.append({row["file"]: row for row in json.loads(lines[-1][len("RESULT "):])})
    rows = []
    for f, row in repeats[0].items():
        rows.append({**row, **{k: statistics.median(rep[f][k] for rep in repeats) for k in ("load_s", "resident_bytes")}})
    rows.sort(key=lambda r: -r["load_s"])
    keys = ("disk_bytes", "serialized_bytes", "compile_s", "load_s", "resident_bytes")
    def sums(rs): return {k: sum(r[k] for r in rs) for k in keys}
    def line(name, rs):
        t = sums(rs)
        print(f"{name[:31]:32}{t['disk_bytes'] / 1e6:>9.2f}{t['serialized_bytes'] / 1e6:>8.2f}{t['compile_s']:>10}"
              f"{t['load_s']:>8.2f}{t['resident_bytes'] / 2**20:>13.1f}")
    print(f"{'program':32}{'disk MB':>9}{'raw MB':>8}{'compile s':>10}{'load s':>8}{'resident MiB':>13}")
    for r in rows[:6]: line(r["program"], [r])
    line(f"{len(rows) - 6} others", rows[6:])
    line(f"all {len(rows)}", rows)
    out = HERE / "results" / (f"cache_read-{a.shape}.json" if a.shape else "cache_read.json")
    out.write_text(json.dumps(dict(shape=a.shape or "tiny", repeats=a.repeats, cpu_count=os.cpu_count(), total=sums(rows),
                                   programs=rows, command="python bench/cache_read.py " + " ".join(sys.argv[1:])), indent=2))
    print(f"wrote {out}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
