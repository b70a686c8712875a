"""The project's translation memory: imports, origins, reviews, alignments,
pre-translation, repetitions and the leverage report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.errors import FormatError, InputError
from workbench.io import Target, Unit, WriteOptions, get_format
from workbench.memory.project import (add_aligned, analyse, apply_to_repetitions, import_memory,
                                      lookup, matches_for_segment, repetitions, sync_reviews)
from workbench.store import NewParagraph, NewSegment, Project
from workbench.store import memory as store
from workbench.translate import translate_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_translate import FakeEngine  # noqa: E402

#: Every test runs on SQLite and on PostgreSQL (``db_url`` sets ``WORKBENCH_DB``).
pytestmark = pytest.mark.usefixtures("db_url")

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
A = ["Le ministre est arrivé le 13 septembre à Moscou.",
     "Il a rencontré le président russe.",
     "Les négociations progressent activement."]
B = ["Un autre article commence ici.",
     "Le ministre est arrivé le 14 septembre à Moscou.",
     "Les négociations progressent activement.",
     "Il a rencontré le président russe hier soir."]


def add_doc(project: Project, sentences: list[str], path: str) -> int:
    segs = [NewSegment(s, True) for s in sentences]
    return project.add_document(
        source_path=path, title=path, lang="fr", lang_confidence=0.99, fmt="txt",
        encoding="utf-8", content_hash=path + str(hash(tuple(sentences))),
        paragraphs=[NewParagraph(" ".join(sentences), "body", segs)])


def seg_ids(project: Project, doc: int) -> list[int]:
    return project.segments(doc)["id"].to_list()


def approve_all(project: Project, doc: int, targets: list[str], author: str = "ana") -> None:
    for sid, text in zip(seg_ids(project, doc), targets):
        project.save_review(sid, "en", text=text, status="approved", author=author)


def write_tmx(path: Path, pairs: list[tuple[str, str]], status: str | None = None) -> Path:
    units = [Unit(source=s, source_lang="fr-FR", targets=(Target("en-GB", t, status=status),))
             for s, t in pairs]
    get_format("tmx").write(units, path, WriteOptions("fr-FR", ("en-GB",)))
    return path


def test_tmx_import_is_idempotent_and_keeps_origin(tmp_path):
    tmx = write_tmx(tmp_path / "old.tmx", [("Bonjour.", "Hello."), ("Merci.", "Thanks.")])
    with Project(tmp_path / "p") as p:
        first = import_memory(p, tmx, author="agency")
        again = import_memory(p, tmx, author="agency")
        assert (first.added, first.existing) == (2, 0)
        assert (again.added, again.existing) == (0, 2)
        units = list(store.iter_units(p))
        assert {(u.source_lang, u.target_lang, u.origin, u.origin_ref, u.author) for u in units} \
            == {("fr", "en", "file", "old.tmx", "agency")}
        assert all(u.created_at for u in units)
        [[m]] = lookup(p, ["Merci !"], "fr", "en")
        assert (m.target, m.origin, m.score) == ("Thanks.", "file:old.tmx", 99)
        assert lookup(p, ["Merci."], "en", "fr") == [[]]  # a pair has a direction


def test_import_is_all_or_nothing(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("source_lang\ttarget_lang\tsource\ttarget\n"
                   "fr\ten\tBonjour.\tHello.\nfr\ten\tonly three cells\n", encoding="utf-8")
    with Project(tmp_path / "p") as p:
        with pytest.raises(FormatError):
            import_memory(p, bad)
        assert store.count_units(p) == 0


def test_plain_two_column_tsv_needs_the_languages(tmp_path):
    plain = tmp_path / "pairs.tsv"
    plain.write_text("Bonjour.\tHello.\nMerci.\tThanks.\n", encoding="utf-8")
    with Project(tmp_path / "p") as p:
        with pytest.raises(InputError, match="--from and --to"):
            import_memory(p, plain)
        assert import_memory(p, plain, src="fr", tgt="en").added == 2


def test_draft_exports_bring_only_approved_targets(tmp_path):
    tmx = write_tmx(tmp_path / "draft.tmx", [("Bonjour.", "HELLO MT.")], status="todo")
    with Project(tmp_path / "p") as p:
        report = import_memory(p, tmx)
        assert report.added == 0 and sum(report.skipped.values()) == 1


def test_approved_reviews_join_and_leave_the_memory(tmp_path):
    with Project(tmp_path / "p") as p:
        doc = add_doc(p, A, "a.txt")
        approve_all(p, doc, ["The minister arrived in Moscow on September 13."])
        sync_reviews(p)
        [u] = list(store.iter_units(p))
        assert (u.origin, u.author, u.context_before, u.context_after) == (
            "review", "ana", "", A[1])
        sid = seg_ids(p, doc)[0]
        p.save_review(sid, "en", status="flagged")
        sync_reviews(p)
        assert store.count_units(p) == 0


def test_exported_corpus_comes_back_with_context(tmp_path, other_db):
    from workbench.io.project import export_project

    with Project(tmp_path / "p") as p:
        doc = add_doc(p, A, "a.txt")
        approve_all(p, doc, ["T1.", "T2.", "T3."])
        out = tmp_path / "corpus.tmx"
        export_project(p, get_format("tmx"), out, targets=["en"])
    with Project(tmp_path / "q", db=other_db) as q:
        assert import_memory(q, out).added == 3
        add_doc(q, ["Avant.", *A], "b.txt")
        first_of_a = seg_ids(q, 1)[1]
        [m] = matches_for_segment(q, first_of_a, "en", limit=1)
        assert (m.kind, m.target) == ("exact", "T1.")  # neighbour before differs
        second = seg_ids(q, 1)[2]
        [m] = matches_for_segment(q, second, "en", limit=1)
        assert (m.kind, m.label, m.target) == ("context", "TM context", "T2.")


def test_pretranslation_fills_100_and_context_matches_and_marks_them(tmp_path):
    with Project(tmp_path / "p") as p:
        a = add_doc(p, A, "a.txt")
        approve_all(p, a, ["The minister arrived in Moscow on September 13.",
                           "He met the Russian president.", "Talks are progressing actively."])
        b = add_doc(p, B, "b.txt")
        engine = FakeEngine()
        report = translate_project(p, ["en"], engine, document_ids=[b])
        rows = {r["source"]: r for r in p.pairs("en", document_ids=[b]).iter_rows(named=True)}
        filled = rows["Les négociations progressent activement."]
        assert (filled["engine"], filled["model"], filled["target"]) == (
            "tm", "TM 100%", "Talks are progressing actively.")
        sent = [t for batch in engine.batches for t in batch]
        assert "Les négociations progressent activement." not in sent
        assert rows[B[1]]["engine"] == "fake"  # 14 vs 13: not a 100% match
        assert report.pairs[0].from_tm == 1
        # a threshold takes fuzzy matches too, numbers replaced
        p.conn.execute("DELETE FROM translations")
        p.conn.execute("DELETE FROM reviews WHERE segment_id IN (SELECT id FROM segments "
                       "WHERE document_id = ?)", (b,))
        translate_project(p, ["en"], FakeEngine(), document_ids=[b], tm_min=90)
        rows = {r["source"]: r for r in p.pairs("en", document_ids=[b]).iter_rows(named=True)}
        assert rows[B[1]]["target"] == "The minister arrived in Moscow on September 14."
        assert rows[B[1]]["engine"] == "tm" and rows[B[1]]["model"].startswith("TM 9")
        # a rerun leaves memory fills alone, and --no-tm (tm_min=None) is plain MT
        again = FakeEngine()
        assert translate_project(p, ["en"], again, document_ids=[b], tm_min=90).pairs[0].from_tm == 0
        assert B[1] not in [t for batch in again.batches for t in batch]


def test_pretranslation_meta_names_the_origin(tmp_path):
    import json

    with Project(tmp_path / "p") as p:
        a = add_doc(p, A, "a.txt")
        approve_all(p, a, ["T1.", "T2.", "T3."])
        b = add_doc(p, A, "copy.txt")
        translate_project(p, ["en"], FakeEngine(), document_ids=[b])
        tr = p.translations("en", b)
        assert set(tr["engine"]) == {"tm"} and set(tr["model"]) == {"TM context"}
        meta = json.loads(tr["meta"][0])
        assert meta["origin"] == "review" and meta["author"] == "ana"
        assert meta["origin_ref"].startswith("a.txt #")


def test_repetitions_propagate_across_documents(tmp_path):
    with Project(tmp_path / "p") as p:
        a = add_doc(p, A, "a.txt")
        b = add_doc(p, B, "b.txt")
        c = add_doc(p, ["Les négociations progressent activement."], "c.txt")
        translate_project(p, ["en"], FakeEngine(), tm_min=None)
        src = seg_ids(p, a)[2]
        done_elsewhere = seg_ids(p, c)[0]
        p.save_review(done_elsewhere, "en", text="Mine.", status="flagged", author="bob")
        p.save_review(src, "en", text="Talks are progressing actively.", status="approved")
        changed = apply_to_repetitions(p, src, "en", author="ana")
        assert changed == [seg_ids(p, b)[2]]
        assert p.review(changed[0], "en").text == "Talks are progressing actively."
        assert p.review(changed[0], "en").status == "approved"
        assert p.review(done_elsewhere, "en").text == "Mine."  # reviewed: left alone
        assert p.history(changed[0], "en")["author"].to_list()[-1] == "ana"
        assert repetitions(p) == {seg_ids(p, b)[2]: src, done_elsewhere: src}


def test_leverage_report_bands_and_repetitions(tmp_path):
    with Project(tmp_path / "p") as p:
        a = add_doc(p, A, "a.txt")
        approve_all(p, a, ["T1.", "T2.", "T3."])
        b = add_doc(p, [*B, B[2]], "b.txt")
        rows = analyse(p, "en", document_ids=[b])
        doc, total = rows
        assert doc.document == "b.txt" and total.document == "total"
        assert doc.segments["100%"] == 1            # "Les négociations…" (other context)
        assert doc.segments["95-99%"] == 1          # 14 vs 13 septembre
        assert doc.segments["repetitions"] == 1     # B[2] again
        assert doc.segments["no match"] == 1        # "Un autre article commence ici."
        assert doc.segments["50-74%"] + doc.segments["75-84%"] == 1
        assert doc.words["repetitions"] == 4 and doc.total_words == total.total_words


def test_aligned_human_translations_above_a_confidence(tmp_path):
    from workbench.align import Alignment, Bead
    from workbench.align.store import save_alignment

    with Project(tmp_path / "p") as p:
        doc = add_doc(p, A[:2], "a.fr.txt")
        ids = seg_ids(p, doc)
        beads = [Bead((0,), (0,), 0.95), Bead((1,), (1,), 0.4)]
        save_alignment(p, document_id=doc, target_lang="en", target_kind="document",
                       target_ref="a.en.txt", alignment=Alignment(beads), src_segment_ids=ids,
                       tgt_segment_ids=None, tgt_texts=["The minister arrived.", "He met him."])
        first = add_aligned(p, 0.7)
        assert (first.beads, first.added) == (1, 1)
        assert add_aligned(p, 0.7).added == 0
        [u] = list(store.iter_units(p))
        assert (u.origin, u.source, u.target) == ("alignment", A[0], "The minister arrived.")
        assert add_aligned(p, 0.3).added == 1


def test_seeds_kirby_sentence_matches_article_000(tmp_path):
    """After approving article 000, the Kirby quote reprinted in article 002 is
    proposed from 000's translation. The reprint is a different translation of the
    same English quote, so the match is weak (no seed pair reaches 70%, see README)."""
    from workbench.ingest import ingest_paths

    with Project(tmp_path / "p") as p:
        ingest_paths(p, [SEEDS])
        docs = p.documents()
        first = docs["id"][0]
        segs = p.segments(first)
        for r in segs.iter_rows(named=True):
            if r["translatable"]:
                p.save_review(r["id"], "en", text=f"EN {r['text']}", status="approved")
        kirby_000 = next(t for t in segs["text"] if t.startswith("Depuis cette visite"))
        other = p.segments(docs["id"][2])
        kirby_002 = next(t for t in other["text"] if "Depuis cette visite" in t)
        [[m]] = lookup(p, [kirby_002], "fr", "en", min_score=10, limit=1)
        assert m.source == kirby_000 and m.target == f"EN {kirby_000}"
        assert m.unit.origin == "review"
        assert m.score < 70  # 16: same quote, another outlet's wording (README, "Memory")


def test_tmx_units_keep_their_author_and_date(tmp_path):
    tmx = tmp_path / "agency.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="fr-FR" '
        'datatype="plaintext"/><body>'
        '<tu creationid="marie" creationdate="20190305T101500Z">'
        '<tuv xml:lang="fr-FR"><seg>Bonjour.</seg></tuv>'
        '<tuv xml:lang="en-GB"><seg>Hello.</seg></tuv></tu>'
        '<tu creationid="marie" creationdate="20190305T101500Z" changeid="paul" '
        'changedate="20210101T000000Z"><tuv xml:lang="fr-FR"><seg>Merci.</seg></tuv>'
        '<tuv xml:lang="en-GB" changeid="lena" changedate="20230704T080910Z"><seg>Thanks.</seg>'
        '</tuv></tu>'
        '<tu creationdate="not a date"><tuv xml:lang="fr-FR"><seg>Au revoir.</seg></tuv>'
        '<tuv xml:lang="en-GB"><seg>Goodbye.</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    with Project(tmp_path / "p") as p:
        report = import_memory(p, tmx, author="agency")
        assert report.added == 3
        rows = {r[0]: r[1:] for r in p.conn.execute(
            "SELECT source, author, created_at FROM memory_units")}
        assert rows["Bonjour."] == ("marie", "2019-03-05T10:15:00.000Z")
        assert rows["Merci."] == ("lena", "2023-07-04T08:09:10.000Z")  # the target's last change
        assert rows["Au revoir."][0] == "agency"                        # none in the file
        assert rows["Au revoir."][1] > "2024"                           # the import time
        assert import_memory(p, tmx).added == 0                         # still idempotent
        m = lookup(p, ["Merci !"], "fr", "en")[0][0]
        assert (m.unit.author, m.unit.created_at[:10]) == ("lena", "2023-07-04")
