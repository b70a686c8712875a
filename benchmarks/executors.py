"""Executor scaling: Apertium fr→en on the same file with the local executor and with
Ray (1 and 2 workers), measured by the workbench's own cost summary; writes a JSON
summary to benchmarks/cache/executors.json and prints a Markdown table.

    python benchmarks/executors.py --lines 8000

Apertium runs as one long-lived null-flush pipeline per mode in each worker (the
executors' tasks); the local row is the same code in this process.

The GPU row of the issue (real-size random-weight Argos model, one GPU worker versus
local) is measured with ``benchmarks/mt_throughput.py --device cuda --size base``: see
``RESULTS-executors.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def lines(n: int) -> list[str]:
    """Seed sentences cut into lines of 3 to 7 words (the tests' 20,000-line file)."""
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))).split()
    out, i = [], 0
    while len(out) < n:
        k = 3 + len(out) % 5
        out.append(" ".join(words[i:i + k]))
        i = (i + k) % (len(words) - 10)
    return out


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    load = os.getloadavg()
    return (f"{cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
            f"load average {load[0]:.1f} at start")


def run(path: Path, executor: str, workers: int | None, batch: int, shard: int,
        engine: str = "apertium", device: str = "cpu", gpus: float = 0.0) -> dict:
    from workbench.archive import translate_archive
    from workbench.executors import get_executor

    ex = get_executor(executor, workers=workers, gpus_per_worker=gpus or None)
    out = path.with_suffix(f".{executor}{workers or ''}.en")
    t0 = time.perf_counter()
    try:
        rep = translate_archive(path, out, "fr", "en", engine=engine, device=device,
                                executor=ex, batch_size=batch, shard_size=shard)
    finally:
        ex.close()
    total = time.perf_counter() - t0
    c = rep.cost
    return {"executor": executor, "workers": workers or 1, "engine": engine, "device": device,
            "load_after": round(os.getloadavg()[0], 1),
            "sentences": c.sentences, "shard_wall_s": round(c.wall_s, 2), "total_s": round(total, 2),
            "sentences_per_s": round(c.sentences_per_s, 1),
            "cpu_s_per_1000": round(c.cpu_s_per_1000, 2), "gpu_s_per_1000": round(c.gpu_s_per_1000, 2),
            "where": rep.executor, "output": out.read_text(encoding="utf-8")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=8000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--label", default="", help="suffix of the JSON summary's name")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-exec-"))
    path = tmp / "in.fr"
    path.write_text("\n".join(lines(args.lines)) + "\n", encoding="utf-8")
    where = machine()  # the load average before the runs
    rows = [run(path, "local", None, args.batch, args.batch),
            run(path, "ray", 1, args.batch, args.batch),
            run(path, "ray", 2, args.batch, args.batch)]
    same = len({r.pop("output") for r in rows}) == 1
    summary = {"date": time.strftime("%Y-%m-%d"), "machine": where,
               "ray_worker_niceness": os.environ.get("RAY_worker_niceness", "15 (Ray's default)"),
               "lines": args.lines, "batch": args.batch, "identical_outputs": same, "runs": rows,
               "scaling_2_vs_1": round(rows[2]["sentences_per_s"] / rows[1]["sentences_per_s"], 2)}
    cache = ROOT / "benchmarks" / "cache"
    cache.mkdir(exist_ok=True)
    (cache / f"executors{'-' + args.label if args.label else ''}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"{summary['date']}, {summary['machine']}; {args.lines} lines, batch = shard = {args.batch}; "
          f"Ray worker niceness {summary['ray_worker_niceness']}; outputs identical: {same}\n")
    print("| executor | workers | sentences/s | CPU-s per 1,000 | shard wall s | total s (with start-up) "
          "| load after |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['executor']} | {r['workers']} | {r['sentences_per_s']} | {r['cpu_s_per_1000']} | "
              f"{r['shard_wall_s']} | {r['total_s']} | {r['load_after']} |")
    print(f"\nscaling, 2 workers vs 1: {summary['scaling_2_vs_1']}×")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
