"""Machine translation scores with sacrebleu: BLEU, chrF and TER with signatures,
and paired bootstrap resampling to compare two systems on the same references.

Pure functions over lists of lines; reading files is the caller's business
(:func:`read_lines` is a small helper for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import EmptyInputError, EncodingError, InputError

METRICS = ("BLEU", "chrF", "TER")


@dataclass(frozen=True)
class MetricScore:
    """One corpus-level score with sacrebleu's signature (how to reproduce it)."""

    metric: str
    score: float
    signature: str
    text: str  # sacrebleu's formatted score, e.g. "BLEU = 21.3 55.1/27.0/..."


@dataclass(frozen=True)
class PairedResult:
    """Paired bootstrap: baseline and candidate scores with 95% CIs and the p-value."""

    metric: str
    baseline: float
    baseline_mean: float | None
    baseline_ci: float | None
    candidate: float
    candidate_mean: float | None
    candidate_ci: float | None
    p_value: float | None
    signature: str

    @property
    def significant(self) -> bool:
        """p < 0.05 and a real difference (sacrebleu reports p = 1/(n+1) for identical systems)."""
        return (self.p_value is not None and self.p_value < 0.05
                and abs(self.candidate - self.baseline) > 1e-9)


def read_lines(path: Path | str) -> list[str]:
    """Lines of a UTF-8 text file (one segment per line; CRLF accepted)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{path} is not UTF-8 (byte {exc.start}); convert it first") from exc
    if text.endswith("\n"):
        text = text[:-1]
    return [line.rstrip("\r") for line in text.split("\n")] if text else []


def check_parallel(refs: Sequence[str], hyps: Sequence[str], *, names: tuple[str, str] = ("reference", "hypothesis")) -> None:
    """Raise :class:`InputError` unless both sides have the same, non-zero, number of lines."""
    if not refs or not any(r.strip() for r in refs):
        raise EmptyInputError(f"the {names[0]} is empty")
    if not hyps:
        raise EmptyInputError(f"the {names[1]} is empty")
    if len(refs) != len(hyps):
        raise InputError(f"the {names[0]} has {len(refs)} lines but the {names[1]} has "
                         f"{len(hyps)}; they must be line-parallel")


def _metrics() -> dict[str, object]:
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"BLEU": BLEU(), "chrF": CHRF(), "TER": TER()}


def score(refs: Sequence[str], hyps: Sequence[str]) -> list[MetricScore]:
    """Corpus BLEU, chrF and TER of ``hyps`` against one reference per line."""
    check_parallel(refs, hyps)
    out = []
    for name, metric in _metrics().items():
        result = metric.corpus_score(list(hyps), [list(refs)])
        out.append(MetricScore(name, float(result.score), str(metric.get_signature()),
                               str(result)))
    return out


def paired_bootstrap(
    refs: Sequence[str], baseline: Sequence[str], candidate: Sequence[str], *,
    n_samples: int = 1000,
) -> list[PairedResult]:
    """Compare ``candidate`` with ``baseline`` by paired bootstrap resampling (sacrebleu).

    The resampling seed is sacrebleu's (``SACREBLEU_SEED``, 12345 by default),
    so results are reproducible; it is part of the signature.
    """
    from sacrebleu.significance import PairedTest

    check_parallel(refs, baseline, names=("reference", "baseline"))
    check_parallel(refs, candidate, names=("reference", "candidate"))
    test = PairedTest([("baseline", list(baseline)), ("candidate", list(candidate))],
                      _metrics(), references=[list(refs)], test_type="bs", n_samples=n_samples)
    sigs, scores = test()
    out = []
    for key, (base, cand) in ((k, v) for k, v in scores.items() if k != "System"):
        metric = next((m for m in METRICS if key.startswith(m)), key)
        out.append(PairedResult(
            metric=metric, baseline=float(base.score), baseline_mean=_f(base.mean),
            baseline_ci=_f(base.ci), candidate=float(cand.score), candidate_mean=_f(cand.mean),
            candidate_ci=_f(cand.ci), p_value=_f(cand.p_value), signature=str(sigs[key]),
        ))
    return out


def _f(value: object) -> float | None:
    return None if value is None else float(value)  # numpy scalars -> plain floats
