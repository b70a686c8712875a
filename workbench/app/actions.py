"""Work the Documents page runs on *selected* documents (no Streamlit here).

``workbench translate`` and ``workbench run`` work on the whole project;
the page lets a reviewer pick documents, so these do the same jobs for a set
of document ids: translate the segments that have no machine translation
yet (through :func:`workbench.translate.translate_lines`, saved batch by
batch so a stop keeps what is done). Normalising selected documents is
:func:`workbench.glossary.project.normalise_project` with ``document_ids``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.store import Project

#: Segments sent to the engine per saved batch.
BATCH = 32


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
