"""``workbench align`` (file mode) and ``workbench eval align``; storing beads."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from workbench.align import Alignment, Bead
from workbench.align.ladder import ladder_problems, read_ladder
from workbench.align.store import load_beads, save_alignment
from workbench.cli import app
from workbench.store import NewParagraph, NewSegment, Project

FR = ["Le gouvernement a présenté son budget mardi.", "Il prévoit 12 milliards d'économies.", "",
      "L'opposition a dénoncé un texte injuste."]
EN = ["The government presented its budget on Tuesday.", "It plans 12 billion in savings.", "",
      "The opposition denounced an unfair text."]
MT = ["The government presented its budget Tuesday.", "It foresees 12 billion of savings.", "",
      "The opposition denounced an unjust text."]


def _write(tmp: Path, name: str, lines: list[str]) -> Path:
    p = tmp / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_align_file_mode_writes_ladder_and_eval_scores_it(tmp_path: Path) -> None:
    src, tgt = _write(tmp_path, "a.fr", FR), _write(tmp_path, "a.en", EN)
    mt = _write(tmp_path, "a.mt", MT)
    out = tmp_path / "a.ladder"
    runner = CliRunner()
    res = runner.invoke(app, ["align", "--src", str(src), "--tgt", str(tgt), "--src-mt", str(mt),
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    beads = read_ladder(out)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    gold = _write(tmp_path, "a.gold", ["[0]:[0]", "[1]:[1]", "[2]:[2]"])
    res = runner.invoke(app, ["eval", "align", "--gold", str(gold), "--pred", str(out)])
    assert res.exit_code == 0, res.output
    assert "1.000" in res.output


def test_align_no_mt_and_errors(tmp_path: Path) -> None:
    src, tgt = _write(tmp_path, "a.fr", FR), _write(tmp_path, "a.en", EN)
    runner = CliRunner()
    res = runner.invoke(app, ["align", "--src", str(src), "--tgt", str(tgt), "--no-mt"])
    assert res.exit_code == 0
    assert ladder_problems([*map(_parse, res.stdout.splitlines())], 3, 3) == []
    bad = _write(tmp_path, "bad.mt", MT[:1])
    res = runner.invoke(app, ["align", "--src", str(src), "--tgt", str(tgt), "--src-mt", str(bad)])
    assert res.exit_code != 0
    res = runner.invoke(app, ["align", "--src", str(src)])
    assert res.exit_code == 2


def _parse(line: str) -> Bead:
    from workbench.align.ladder import parse_ladder

    return parse_ladder(line)[0]


def test_save_alignment_replaces_beads(tmp_path: Path) -> None:
    with Project(tmp_path / "p") as proj:
        seg = lambda texts: [NewParagraph(" ".join(texts), "p", [NewSegment(t, True) for t in texts])]  # noqa: E731
        common = dict(lang_confidence=1.0, fmt="txt", encoding="utf-8")
        d1 = proj.add_document(source_path="a.fr.txt", title="a", lang="fr", content_hash="1",
                               paragraphs=seg(FR[:2]), **common)
        d2 = proj.add_document(source_path="a.en.txt", title="a", lang="en", content_hash="2",
                               paragraphs=seg(EN[:2]), **common)
        sids = proj.segments(d1)["id"].to_list()
        tids = proj.segments(d2)["id"].to_list()
        al = Alignment((Bead((0, 1), (0,), 0.8), Bead((), (1,), 0.3)), {"aligner": "test"})
        kw = dict(document_id=d1, target_lang="en", target_kind="document", target_ref=str(d2),
                  src_segment_ids=sids, tgt_segment_ids=tids, tgt_texts=EN[:2])
        aid = save_alignment(proj, alignment=al, **kw)
        assert load_beads(proj, aid) == [(sids, [tids[0]], EN[0], 0.8), ([], [tids[1]], EN[1], 0.3)]
        again = save_alignment(proj, alignment=Alignment((Bead((0, 1), (0, 1), 0.9),)), **kw)
        assert again == aid and len(load_beads(proj, aid)) == 1


def test_project_mode_pairs_translations_and_stores(tmp_path: Path) -> None:
    from workbench.align.project import align_project, article_key

    assert article_key("news/a.fr.txt") == article_key("news/a.en.txt")
    assert article_key("fr/b.txt") == article_key("en/b.txt") != article_key("en/a.txt")
    with Project(tmp_path / "p") as proj:
        seg = lambda texts: [NewParagraph(" ".join(texts), "p", [NewSegment(t, True) for t in texts])]  # noqa: E731
        common = dict(lang_confidence=1.0, fmt="txt", encoding="utf-8")
        proj.add_document(source_path="x/a.fr.txt", title="a", lang="fr", content_hash="1",
                          paragraphs=seg([FR[0], FR[1]]), **common)
        proj.add_document(source_path="x/a.en.txt", title="a", lang="en", content_hash="2",
                          paragraphs=seg([EN[0], EN[1]]), **common)
        results = align_project(proj, use_mt=False)
        assert len(results) == 1 and results[0].beads == 2
        n = proj.conn.execute("SELECT COUNT(*) FROM beads").fetchone()[0]
        assert n == 2


def test_project_align_re_aligns_machine_translations_with_mt(tmp_path):
    """Issue 13 item 16: after `translate`, project-mode `align` names --mt, and --mt
    re-aligns each document with its machine translation."""
    import shutil
    import subprocess
    import sys

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    article = tmp_path / "a.txt"
    shutil.copy(sorted(seeds.glob("*.txt"))[0], article)
    project = tmp_path / "proj"

    def wb(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "workbench", *args, "--project", str(project)],
                              capture_output=True, text=True, timeout=300)

    assert wb("ingest", str(article)).returncode == 0
    plain = wb("align")
    assert plain.returncode == 1 and "--mt to re-align the machine translations" in plain.stderr
    assert "Traceback" not in plain.stderr
    early = wb("align", "--mt")
    assert early.returncode == 1 and "workbench translate --to en" in early.stderr
    assert wb("translate", "--to", "en", "--engine", "apertium").returncode == 0
    done = wb("align", "--mt")
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stderr.split())
    assert "1 document(s) re-aligned with their machine translation" in out and " beads" in out
