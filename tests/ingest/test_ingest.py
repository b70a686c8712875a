"""Ingest end to end on the seeds: nothing lost, debris marked, hashes and versions."""

import re
from pathlib import Path

import pytest

from workbench.errors import BinaryFileError
from workbench.ingest import build_document, ingest_file, ingest_paths
from workbench.store import Project

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_keeps_every_character(seed):
    text = seed.read_text(encoding="utf-8")
    doc = build_document(text, "text")
    assert doc.lang == "fr" and doc.lang_confidence > 0.9
    segments = [s.text for p in doc.paragraphs for s in p.segments]
    assert _squash("".join(segments)) == _squash(text)
    assert all(s.strip() for s in segments)


def test_seed_debris_marked_not_dropped():
    doc = build_document((SEEDS[1]).read_text(encoding="utf-8"), "text")
    debris = {s.text: s.reason for p in doc.paragraphs for s in p.segments if not s.translatable}
    assert debris == {
        "banner": "page marker",
        "Maison / Nouvelles / La Maison Blanche affirme qu'un haut responsable russe a demandé "
        "à la Corée du Nord d'augmenter ses ventes de munitions à Moscou": "breadcrumb",
        "Nouvelles": "navigation label",
        "Aug 08, 2023Aug 08, 2023": "date line",
        "(Photo AP/Evan Vucci)": "photo credit",
    }
    assert doc.title.startswith("La Maison Blanche affirme")
    assert doc.paragraphs[0].kind == "debris"


def test_english_document_detected():
    doc = build_document("The White House said on Thursday that Russia was seeking "
                         "ammunition from North Korea. Kirby spoke to reporters.", "text")
    assert doc.lang == "en"
    assert [s.text for s in doc.paragraphs[0].segments] == [
        "The White House said on Thursday that Russia was seeking ammunition from North Korea.",
        "Kirby spoke to reporters."]


def test_ingest_file_hash_and_versions(tmp_path):
    src = tmp_path / "a.md"
    src.write_text("# Titre\n\nKim voyage rarement. Il prend le train.\n", encoding="utf-8")
    with Project(tmp_path / "p") as project:
        first = ingest_file(project, src)
        again = ingest_file(project, src)
        copy = tmp_path / "b.md"
        copy.write_bytes(src.read_bytes())
        dup = ingest_file(project, copy)
        src.write_text("# Titre\n\nKim voyage rarement.\n", encoding="utf-8")
        changed = ingest_file(project, src)
        assert [first.status, again.status, dup.status, changed.status] == [
            "added", "unchanged", "duplicate", "new-version"]
        assert first.segments == 3 and first.document_id == again.document_id
        assert project.documents()["title"].to_list() == ["Titre"]
        assert len(project.documents(current_only=False)) == 2


def test_ingest_paths_refusal_does_not_stop_others(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Moscou et Pyongyang négocient.", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_bytes(b"\x1f\x8b\x08\x00binary")
    with Project(tmp_path / "p") as project:
        results = ingest_paths(project, [tmp_path / "in", tmp_path / "missing.txt"])
        assert [(r.path.name, r.status) for r in results] == [
            ("a.txt", "added"), ("b.txt", "refused"), ("missing.txt", "refused")]
        assert "gzip" in results[1].message
        assert len(project.documents()) == 1
    with pytest.raises(BinaryFileError):
        with Project(tmp_path / "p") as project:
            ingest_file(project, tmp_path / "in" / "b.txt")
