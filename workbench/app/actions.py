"""Work the Documents page runs on *selected* documents (no Streamlit here).

``workbench translate`` and ``workbench run`` work on the whole project;
the page lets a reviewer pick documents, so these do the same jobs for a set
of document ids: translate the segments that have no machine translation
yet (through :func:`workbench.translate.translate_lines`, saved batch by
batch so a stop keeps what is done), and normalise final translations with
the glossary (each change a versioned review edit, approved text left alone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.errors import ConflictError
from workbench.store import Project

#: Segments sent to the engine per saved batch.
BATCH = 32
#: Statuses normalised by default: approved text is the reviewer's word.
UNREVIEWED = ("todo", "flagged", "rejected")


@dataclass
class TranslateCount:
    src: str
    tgt: str
    translated: int = 0
    up_to_date: int = 0
    engine: str = ""


def translate_documents(project: Project, document_ids: Sequence[int], tgt: str,
                        engine: str = "auto",
                        progress: Callable[[int, int], None] | None = None) -> list[TranslateCount]:
    """Machine-translate the translatable segments of ``document_ids`` into ``tgt`` that
    have no ``tgt`` translation yet; one count per source language."""
    from workbench.translate import translate_lines

    ids = list(document_ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = project.conn.execute(
        f"""SELECT s.id, s.text, d.lang,
                   EXISTS (SELECT 1 FROM translations t WHERE t.segment_id = s.id
                           AND t.target_lang = ?) AS done
            FROM segments s JOIN documents d ON d.id = s.document_id
            WHERE s.document_id IN ({marks}) AND s.translatable = 1 AND trim(s.text) != ''
              AND d.lang != ? ORDER BY s.document_id, s.idx""",
        (tgt, *ids, tgt)).fetchall()
    by_src: dict[str, list[tuple[int, str, bool]]] = {}
    for sid, text, lang, done in rows:
        by_src.setdefault(lang, []).append((sid, text, bool(done)))
    total = sum(not done for segs in by_src.values() for *_, done in segs)
    finished = 0
    if progress:
        progress(0, total)
    out = []
    for src, segs in sorted(by_src.items()):
        count = TranslateCount(src, tgt, up_to_date=sum(done for *_, done in segs))
        todo = [(sid, text) for sid, text, done in segs if not done]
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            results = translate_lines([t for _, t in batch], src, tgt, engine)
            groups: dict[tuple[str, str, str], list] = {}
            for (sid, text), res in zip(batch, results):
                groups.setdefault((res.engine, res.model, res.model_version), []).append(
                    (sid, text, res.text, res.meta))
            for (eng, model, version), saved in groups.items():
                project.save_translations(engine=eng, model=model, model_version=version,
                                          source_lang=src, target_lang=tgt, rows=saved)
                count.engine = eng
            count.translated += len(batch)
            finished += len(batch)
            if progress:
                progress(finished, total)
        out.append(count)
    return out


def normalise_documents(project: Project, glossary, document_ids: Sequence[int], tgt: str,
                        statuses: Sequence[str] = UNREVIEWED,
                        author: str = "app") -> tuple[int, int, int]:
    """Apply the glossary to the final ``tgt`` translations of ``document_ids`` whose status
    is in ``statuses``; returns (checked, changed, left alone as edited meanwhile)."""
    ids = list(document_ids)
    if not ids:
        return 0, 0, 0
    rows = project.conn.execute(
        f"""SELECT r.segment_id, r.text, r.version, r.status FROM reviews r
            JOIN segments s ON s.id = r.segment_id
            WHERE r.target_lang = ? AND s.document_id IN ({','.join('?' * len(ids))})
            ORDER BY r.segment_id""", (tgt, *ids)).fetchall()
    changed = conflicts = 0
    for seg, text, version, status in rows:
        if status not in statuses:
            continue
        new = glossary.apply(text, tgt)
        if new == text:
            continue
        try:
            project.save_review(seg, tgt, text=new, expected_version=version, author=author)
            changed += 1
        except ConflictError:
            conflicts += 1
    return len(rows), changed, conflicts
