"""Machine translation benchmark: quality of Apertium on FLORES-200 and throughput of
each engine, with Argos batched against one-call-per-sentence side by side.

    python benchmarks/mt_throughput.py                    # CPU: apertium + tiny argos
    python benchmarks/mt_throughput.py --device cuda --size base   # GPU, real-size model
    python benchmarks/mt_throughput.py --model X.argosmodel        # a real Argos model

Apertium runs in file mode (``translate_lines``, the same path as
``workbench translate --in``) over the whole FLORES devtest, and is scored with
sacrebleu. The Argos model is the random-weight test model built by
``tests/fixtures/tiny_argos.py`` (``--size tiny``: 2 layers, d=64; ``--size base``:
6 layers, d=512, the size of a real Argos model) unless ``--model`` gives a real
one; its outputs are nonsense, so only its speed is measured. Both Argos modes
use the same loaded model, the same sentences and the same decoding limits.

Outputs and models are cached under ``benchmarks/cache/`` (git-ignored); a JSON
summary goes to ``benchmarks/cache/mt_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / "cache"
FLORES = ROOT.parent / "shared" / "data" / "mt-eval" / "flores200-devtest"


def machine() -> str:
    import ctranslate2

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpus = ctranslate2.get_cuda_device_count()
    return (f"{cpu}, {os.cpu_count()} logical CPUs visible, {gpus} CUDA device(s), "
            f"Python {platform.python_version()}, ctranslate2 {ctranslate2.__version__}")


def read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def bench_apertium(flores: Path, batch_size: int) -> dict:
    from workbench.evaluation.mt import score
    from workbench.translate import translate_lines

    src, ref = read(flores.with_suffix(".fr")), read(flores.with_suffix(".en"))
    start = time.perf_counter()
    results = translate_lines(src, "fr", "en", "apertium", batch_size=batch_size)
    elapsed = time.perf_counter() - start
    hyp = [r.text for r in results]
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "flores.apertium.en").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    scores = {s.metric: {"score": round(s.score, 2), "signature": s.signature}
              for s in score(ref, hyp)}
    return {"engine": "apertium", "model": results[0].model, "model_version": results[0].model_version,
            "sentences": len(src), "seconds": round(elapsed, 3),
            "sentences_per_s": round(len(src) / elapsed, 1), "batch_size": batch_size,
            "scores": scores}


def argos_model(args: argparse.Namespace) -> Path:
    if args.model:
        return Path(args.model)
    sys.path.insert(0, str(ROOT / "tests"))
    from fixtures.tiny_argos import build_argosmodel

    out = CACHE / f"bench-{args.size}.argosmodel"
    if not out.exists():
        build_argosmodel(out, package_version="0.1" if args.size == "tiny" else "0.2",
                         work=CACHE / f"build-{args.size}", size=args.size)
    return out


def bench_argos(args: argparse.Namespace, sentences: list[str]) -> dict:
    packages = CACHE / f"argos-packages-{args.size if not args.model else 'real'}"
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ.setdefault(var, str(CACHE / "argos-home"))
    from workbench.engines.argos import ArgosEngine, install_from_file, installed_models

    model = install_from_file(argos_model(args))
    src, tgt = model.from_code, model.to_code
    assert installed_models()[0], "model not installed"
    engine = ArgosEngine(device=args.device, beam_size=args.beam,
                         max_batch_size=args.batch_size, max_decoding_length=args.max_len)
    engine.translate(sentences[:4], src, tgt)  # load the model once, outside the timings
    runs = {}
    for mode, fn in (("batched", engine.translate), ("one_call_per_sentence", engine.translate_unbatched)):
        best = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = fn(sentences, src, tgt)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        assert len(out) == len(sentences)
        runs[mode] = {"seconds": round(best, 3), "sentences_per_s": round(len(sentences) / best, 1)}
    from workbench.engines.argos import resolve_device

    return {
        "engine": "argos", "model": model.name, "model_version": model.model_version,
        "size": "real" if args.model else args.size, "device": resolve_device(args.device),
        "sentences": len(sentences), "beam_size": args.beam, "max_batch_tokens": args.batch_size,
        "max_decoding_length": args.max_len, **runs,
        "speedup": round(runs["one_call_per_sentence"]["seconds"] / runs["batched"]["seconds"], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flores", type=Path, default=FLORES, help="FLORES devtest path without suffix")
    ap.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    ap.add_argument("--size", default="tiny", choices=("tiny", "base"))
    ap.add_argument("--model", help="a real .argosmodel instead of the random test model")
    ap.add_argument("--sentences", type=int, default=200, help="FLORES sentences for Argos")
    ap.add_argument("--batch-size", type=int, default=4096, help="tokens per CTranslate2 batch")
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--max-len", type=int, default=64, help="max decoding length (both modes)")
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs per Argos mode")
    ap.add_argument("--skip-apertium", action="store_true")
    args = ap.parse_args()

    report: dict = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                    "machine": machine()}
    if not args.skip_apertium:
        report["apertium"] = bench_apertium(args.flores, batch_size=128)
        a = report["apertium"]
        print(f"apertium fr→en FLORES devtest: {a['sentences']} sentences in {a['seconds']} s "
              f"= {a['sentences_per_s']} sent/s; " + ", ".join(
                  f"{k} {v['score']}" for k, v in a["scores"].items()))
    sentences = read(args.flores.with_suffix(".fr"))[: args.sentences]
    report["argos"] = g = bench_argos(args, sentences)
    print(f"argos {g['size']} on {g['device']}: batched {g['batched']['sentences_per_s']} sent/s, "
          f"one call per sentence {g['one_call_per_sentence']['sentences_per_s']} sent/s, "
          f"speedup {g['speedup']}x ({g['sentences']} sentences, beam {g['beam_size']}, "
          f"max length {g['max_decoding_length']})")
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"mt_throughput-{g['size']}-{g['device']}.json"
    (CACHE / name).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"machine: {report['machine']}\nsummary: {CACHE / name}")


if __name__ == "__main__":
    main()
