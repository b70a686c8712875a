"""Project mode: align each source document with each of its translations and
store the beads (a thin shell over the pure aligner and :mod:`.store`).

A translation is another current document in the target language whose
source path names the same article once language tags are removed
(``news/a.fr.txt`` ↔ ``news/a.en.txt``, ``fr/a.txt`` ↔ ``en/a.txt``), or any
pair given explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from workbench.align import DEFAULT_REVIEW_THRESHOLD, Alignment, ConceptExtractor, get_aligner
from workbench.align.store import save_alignment
from workbench.errors import InputError, NotFoundError
from workbench.store import Project

_LANG_TOKENS = {"fr", "en", "es", "de", "it", "pt", "fra", "fre", "eng", "spa", "french",
                "english", "francais", "français", "anglais", "original", "translation"}


@dataclass(frozen=True)
class ProjectAlignResult:
    """One stored alignment: which pair, how many beads, how many to review."""

    alignment_id: int
    document_id: int
    target_document_id: int
    beads: int
    flagged: int
    mt: str


def article_key(source_path: str) -> str:
    """The source path with language tags removed, used to pair translations."""
    p = PurePath(source_path.lower())
    parts = [d for d in p.parent.parts if d not in _LANG_TOKENS]
    stem_tokens = [t for t in re.split(r"[._\-\s]+", p.stem) if t and t not in _LANG_TOKENS]
    return "/".join(parts + ["-".join(stem_tokens)])


def pair_documents(docs: Sequence[dict], src_lang: str, tgt_lang: str) -> list[tuple[int, int]]:
    """Pairs ``(source doc id, target doc id)`` of documents that translate each other."""
    srcs = [d for d in docs if d["lang"] == src_lang]
    tgts = [d for d in docs if d["lang"] == tgt_lang]
    if len(srcs) == 1 and len(tgts) == 1:
        return [(srcs[0]["id"], tgts[0]["id"])]
    by_key: dict[str, list[int]] = {}
    for d in tgts:
        by_key.setdefault(article_key(d["source_path"]), []).append(d["id"])
    return [(d["id"], t) for d in srcs for t in by_key.get(article_key(d["source_path"]), [])]


def align_project(
    project: Project,
    *,
    src_lang: str = "fr",
    tgt_lang: str = "en",
    pairs: Sequence[tuple[int, int]] | None = None,
    use_mt: bool = True,
    engine: str = "auto",
    concepts: ConceptExtractor | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    on_pair: Callable[[ProjectAlignResult], None] | None = None,
    dictionary: bool | None = None,
) -> list[ProjectAlignResult]:
    """Align document pairs of a project and store their beads.

    The MT side reuses stored machine translations (``translations`` table)
    when every source segment has one, else it is translated with ``engine``
    where an engine has the pair. A bilingual dictionary adds evidence where one is
    installed (``dictionary``: None auto, True required, False never; see
    :func:`workbench.align.evidence.select_evidence`).
    """
    from workbench.align.evidence import select_evidence
    from workbench.align.mt import translate_for_alignment

    docs = project.documents().to_dicts()
    if pairs is None:
        pairs = pair_documents(docs, src_lang, tgt_lang)
        if not pairs:
            raise NotFoundError(
                f"no {src_lang} document with a translation into {tgt_lang} in the project "
                "(translations are paired by file name, e.g. a.fr.txt / a.en.txt); "
                "pass --doc and --with to pair documents explicitly, or --mt to re-align "
                "the machine translations"
            )
    evidence: dict[str, Any] = {}
    results = []
    for src_id, tgt_id in pairs:
        project.document(src_id)
        tgt_doc = project.document(tgt_id)
        lang = tgt_doc.lang
        if lang not in evidence:
            evidence[lang] = select_evidence(src_lang, lang, use_mt=use_mt, engine=engine,
                                             dictionary=dictionary)
        ev = evidence[lang]
        s = project.segments(src_id)
        t = project.segments(tgt_id)
        s = s.filter(s["translatable"] == 1)
        t = t.filter(t["translatable"] == 1)
        src_texts, tgt_texts = s["text"].to_list(), t["text"].to_list()
        if not src_texts and not tgt_texts:
            raise InputError(f"documents {src_id} and {tgt_id} have no translatable sentences")
        src_mt, mt_name = None, "none"
        if use_mt and src_texts:
            stored = project.translations(tgt_doc.lang, src_id)
            by_seg = {}
            for row in stored.iter_rows(named=True):
                by_seg.setdefault(row["segment_id"], row)
            if all(i in by_seg for i in s["id"].to_list()):
                src_mt = [by_seg[i]["target"] for i in s["id"].to_list()]
                mt_name = "stored:" + by_seg[s["id"][0]]["engine"]
            elif ev.mt_engine:
                src_mt, prov = translate_for_alignment(src_texts, src_lang, tgt_doc.lang, engine)
                mt_name = prov.get("engine", engine)
        if ev.lexicon is not None:
            mt_name = ev.dict_label if mt_name == "none" else f"{mt_name} + {ev.dict_label}"
        aligner = get_aligner("mtguided", concepts=concepts, lexicon=ev.lexicon)
        alignment = aligner.align(
            src_texts, tgt_texts, src_mt=src_mt,
            src_paragraphs=s["paragraph"].to_list(), tgt_paragraphs=t["paragraph"].to_list(),
        )
        alignment.provenance["mt_engine"] = mt_name
        results.append(_store(
            project, alignment, review_threshold, on_pair, document_id=src_id,
            target_document_id=tgt_id, target_lang=tgt_doc.lang, target_kind="document",
            target_ref=str(tgt_id), mt=mt_name, src_segment_ids=s["id"].to_list(),
            tgt_segment_ids=t["id"].to_list(), tgt_texts=tgt_texts))
    return results


def _store(project: Project, alignment: Alignment, review_threshold: float,
           on_pair: Callable[[ProjectAlignResult], None] | None, *, document_id: int,
           target_document_id: int, mt: str, **where: Any) -> ProjectAlignResult:
    """Save one alignment (``where``: the rest of :func:`save_alignment`'s arguments) and
    report it: beads, and how many fall under ``review_threshold``."""
    aid = save_alignment(project, document_id=document_id, alignment=alignment, **where)
    result = ProjectAlignResult(aid, document_id, target_document_id, len(alignment.beads),
                                sum(b.confidence < review_threshold for b in alignment.beads), mt)
    if on_pair:
        on_pair(result)
    return result


@dataclass(frozen=True)
class MTAlignInput:
    """One document and its complete machine translation by one engine: what
    :func:`align_machine_text` aligns (pure data, so it can travel to a worker)."""

    document_id: int
    engine: str
    segment_ids: list[int]
    src_texts: list[str]
    tgt_texts: list[str]
    paragraphs: list[int]


def mt_align_inputs(project: Project, tgt_lang: str) -> Iterator[MTAlignInput]:
    """The current documents not in ``tgt_lang`` with a machine translation of every
    translatable segment, one per (document, engine), read one document at a time."""
    for doc in project.documents().to_dicts():
        if doc["lang"] == tgt_lang:
            continue
        s = project.segments(doc["id"])
        s = s.filter(s["translatable"] == 1)
        ids = s["id"].to_list()
        if not ids:
            continue
        by_engine: dict[str, dict[int, str]] = {}
        for row in project.translations(tgt_lang, doc["id"]).iter_rows(named=True):
            by_engine.setdefault(row["engine"], {})[row["segment_id"]] = row["target"]
        for engine, by_seg in sorted(by_engine.items()):
            if all(i in by_seg for i in ids):
                yield MTAlignInput(doc["id"], engine, ids, s["text"].to_list(),
                                   [by_seg[i] for i in ids], s["paragraph"].to_list())


def align_machine_text(aligner: Any, item: MTAlignInput) -> Alignment:
    """The beads of one document with its machine translation (pure)."""
    alignment = aligner.align(item.src_texts, item.tgt_texts, src_paragraphs=item.paragraphs,
                              tgt_paragraphs=item.paragraphs)
    alignment.provenance["mt_engine"] = item.engine
    return alignment


def store_machine_alignment(project: Project, item: MTAlignInput, alignment: Alignment, tgt_lang: str,
                            review_threshold: float,
                            on_pair: Callable[[ProjectAlignResult], None] | None = None
                            ) -> ProjectAlignResult:
    """Save the alignment of ``item`` (one transaction) and report it."""
    return _store(project, alignment, review_threshold, on_pair, document_id=item.document_id,
                  target_document_id=item.document_id, target_lang=tgt_lang, target_kind="mt",
                  target_ref=item.engine, mt=item.engine, src_segment_ids=item.segment_ids,
                  tgt_segment_ids=None, tgt_texts=item.tgt_texts)


def align_machine_translations(
    project: Project,
    *,
    tgt_lang: str = "en",
    concepts: ConceptExtractor | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    on_pair: Callable[[ProjectAlignResult], None] | None = None,
) -> list[ProjectAlignResult]:
    """Align each current document with its stored machine translation into ``tgt_lang``.

    Engines translate segment by segment, so the ladder is usually 1-1; what
    this adds is evidence per bead from length and shared anchors (numbers,
    names, glossary concepts). A bead the aligner would rather merge, or one
    whose numbers or names went missing in the translation, gets a low
    confidence and is flagged for review. The MT similarity is not used:
    the target *is* the machine translation. Documents with untranslated
    segments are skipped; one alignment is stored per (document, engine).
    (:func:`workbench.executors.project.align_on` does the same on an executor.)
    """
    aligner = get_aligner("mtguided", concepts=concepts)
    return [store_machine_alignment(project, item, align_machine_text(aligner, item), tgt_lang,
                                    review_threshold, on_pair)
            for item in mt_align_inputs(project, tgt_lang)]
