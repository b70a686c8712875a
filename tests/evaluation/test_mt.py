"""sacrebleu scores, paired bootstrap and ``workbench eval mt``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workbench.errors import EmptyInputError, EncodingError, InputError
from workbench.evaluation.mt import check_parallel, paired_bootstrap, read_lines, score

REFS = [
    "The White House said Russia is talking to North Korea.",
    "Negotiations are progressing actively.",
    "Kim Jong-un met Vladimir Putin in Vladivostok.",
    "The United States reacted on Wednesday.",
    "Pyongyang denies it.",
    "Ammunition deliveries could follow.",
] * 5
GOOD = [r.replace("said", "says").replace("actively", "fast") for r in REFS]
BAD = ["The house white say Russia talk north Korea.", "Negotiations progress.",
       "Kim met Putin.", "States united react.", "Pyongyang no.", "Munitions maybe."] * 5


def by_metric(scores):
    return {s.metric: s for s in scores}


def test_identical_output_scores_perfectly():
    s = by_metric(score(REFS, REFS))
    assert s["BLEU"].score == pytest.approx(100.0)
    assert s["chrF"].score == pytest.approx(100.0)
    assert s["TER"].score == pytest.approx(0.0)
    assert s["BLEU"].signature.startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    assert "nc:6" in s["chrF"].signature and "tok:tercom" in s["TER"].signature


def test_better_output_scores_better():
    good, bad = by_metric(score(REFS, GOOD)), by_metric(score(REFS, BAD))
    assert good["BLEU"].score > bad["BLEU"].score
    assert good["chrF"].score > bad["chrF"].score
    assert good["TER"].score < bad["TER"].score


def test_paired_bootstrap_finds_the_better_system():
    results = {r.metric: r for r in paired_bootstrap(REFS, BAD, GOOD, n_samples=200)}
    assert set(results) == {"BLEU", "chrF", "TER"}
    for r in results.values():
        assert r.significant and "bs:200" in r.signature and "seed:12345" in r.signature
        assert isinstance(r.p_value, float)
    same = paired_bootstrap(REFS, GOOD, GOOD, n_samples=100)
    assert not any(r.significant for r in same)
    nearly = [*GOOD[:-1], "Ammunition deliveries may follow."]
    assert not any(r.significant for r in paired_bootstrap(REFS, GOOD, nearly, n_samples=200))


@pytest.mark.parametrize(("refs", "hyps", "error", "message"), [
    ([], ["x"], EmptyInputError, "reference is empty"),
    (["a", "b"], [], EmptyInputError, "hypothesis is empty"),
    (["a", "b"], ["a"], InputError, "2 lines but the hypothesis has 1"),
])
def test_check_parallel(refs, hyps, error, message):
    with pytest.raises(error, match=message):
        check_parallel(refs, hyps)


def test_read_lines(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes("\ufeffune\r\ndeux\n\ntrois\n".encode())
    assert read_lines(f) == ["une", "deux", "", "trois"]
    f.write_bytes(b"caf\xe9\n")
    with pytest.raises(EncodingError, match="not UTF-8"):
        read_lines(f)
    with pytest.raises(InputError, match="cannot read"):
        read_lines(tmp_path / "missing.txt")


def wb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_eval_mt(tmp_path):
    ref, hyp, hyp2 = (tmp_path / n for n in ("ref.en", "hyp.en", "hyp2.en"))
    ref.write_text("\n".join(REFS) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(BAD) + "\n", encoding="utf-8")
    hyp2.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    proc = wb("eval", "mt", "--ref", str(ref), "--hyp", str(hyp), "--hyp2", str(hyp2),
              "--paired-bootstrap", "--samples", "100")
    assert proc.returncode == 0, proc.stderr
    for text in ("BLEU", "chrF", "TER", "version:2", "paired bootstrap", "bs:100"):
        assert text in proc.stdout
    short = tmp_path / "short.en"
    short.write_text("one line\n", encoding="utf-8")
    bad = wb("eval", "mt", "--ref", str(ref), "--hyp", str(short))
    assert bad.returncode == 1 and "must be line-parallel" in bad.stderr
