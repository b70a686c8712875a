"""Small projects for the interchange tests, built through the Project API."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.store import NewParagraph, NewSegment, Project

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"

#: (source, en review, es review or None, en status, confidence) — real
#: multilingual strings and the awkward characters the formats must survive.
ARTICLE = [
    ("Kim Jong-un voyage rarement à l'étranger.",
     "Kim Jong-un rarely travels abroad.", "Kim Jong-un rara vez viaja al extranjero.",
     "approved", 0.93),
    ('Il a dit : « C\'est "historique" » & <b>inédit</b>.',
     'He said: "It\'s \'historic\'" & <b>unprecedented</b>.', None, "approved", 0.71),
    ("Le président – déjà fatigué – répondit : « non ».",
     "=SUM(A1:A9) looks like a formula", "-1 también", "flagged", 0.42),
    ("Famille 👨‍👩‍👧‍👦 et drapeau 🇫🇷 !",
     "Family 👨‍👩‍👧‍👦 and flag 🇫🇷!", "Familia 👨‍👩‍👧‍👦 y bandera 🇫🇷.", "todo", None),
    ("Il cita le Coran : « بسم الله الرحمن الرحيم ».",
     "He quoted the Koran: \"بسم الله الرحمن الرحيم\".", None, "rejected", 0.88),
    ("Tab\there, a newline\nand a carriage\rreturn.",
     "Tab\there, newline\nand carriage\rreturn.", "+tab\tnl\n", "approved", 1.0),
    ("Cloche\x07 et échappement\x1b[0m hérités d'un vieux CMS.",
     "Bell\x07 and escape\x1b[0m inherited from an old CMS.", None, "approved", 0.5),
    ("Dernière phrase sans traduction.", "", None, "todo", None),
]
LONG = "Une très longue phrase, " * 4000  # ~100,000 characters


def add_article(project: Project, *, title: str = "Kim et Poutine", path: str = "kim.txt",
                rows=ARTICLE, long: bool = True) -> int:
    """Ingest-like document + MT + reviews + an alignment with confidences."""
    sources = [r[0] for r in rows] + ([LONG] if long else [])
    doc = project.add_document(
        source_path=path, title=title, lang="fr", lang_confidence=0.99, fmt="text",
        encoding="utf-8", content_hash=f"hash-{path}",
        paragraphs=[
            NewParagraph("banner", "debris", [NewSegment("Publicité", False, "page marker")]),
            NewParagraph(" ".join(sources[:3]), "text", [NewSegment(s, True) for s in sources[:3]]),
            NewParagraph(" ".join(sources[3:]), "text", [NewSegment(s, True) for s in sources[3:]]),
        ],
    )
    segs = project.segments(doc).filter(translatable=1)
    ids = segs["id"].to_list()
    en = [(sid, src, f"MT: {src[:40]}", {}) for sid, src in zip(ids, sources)]
    project.save_translations(engine="argos", model="translate-fr_en", model_version="1.9",
                              source_lang="fr", target_lang="en", rows=en)
    es_rows = [(sid, src, f"MT es: {src[:20]}", {}) for sid, src, r in zip(ids, sources, rows) if r[2]]
    project.save_translations(engine="apertium", model="fr-es", model_version="3.8",
                              source_lang="fr", target_lang="es", rows=es_rows)
    beads = []
    for i, (sid, row) in enumerate(zip(ids, rows)):
        _src, en_text, es_text, status, conf = row
        project.save_review(sid, "en", text=en_text, status=status)
        if es_text:
            project.save_review(sid, "es", text=es_text, status="approved")
        if conf is not None:
            beads.append((i, sid, conf))
    if long:
        project.save_review(ids[-1], "en", text="A very long sentence, " * 4000, status="approved")
    with project.transaction() as conn:
        align = conn.execute(
            "INSERT INTO alignments (document_id, target_lang, target_kind, target_ref) "
            "VALUES (?, 'en', 'mt', 'argos')", (doc,)).lastrowid
        for i, sid, conf in beads:
            conn.execute(
                "INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, tgt_text, confidence) "
                "VALUES (?, ?, ?, '[]', '', ?)", (align, i, json.dumps([sid]), conf))
    return doc


