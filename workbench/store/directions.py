"""Language directions of a project's review units.

A project may hold documents in several languages, each translated into other
languages: French articles reviewed into English beside an English → French
memory imported from a CAT tool. A *direction* is a (source, target) pair: the
document's language and the review's target language. These queries count and
list the directions so that exports, ``run`` and the app can work one direction
at a time and say what they left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.store import Project

Direction = tuple[str, str]


def review_directions(project: Project, documents: Sequence[int] | None = None
                      ) -> dict[Direction, int]:
    """Review units per direction ``(document language, target language)`` in the current
    documents (or in ``documents``), most units first."""
    sql = """SELECT d.lang, r.target_lang, COUNT(*) AS n
             FROM reviews r JOIN segments s ON s.id = r.segment_id
             JOIN documents d ON d.id = s.document_id
             WHERE d.is_current = 1"""
    params: list[object] = []
    if documents:
        sql += f" AND d.id IN ({','.join('?' * len(documents))})"
        params.extend(documents)
    sql += " GROUP BY d.lang, r.target_lang ORDER BY n DESC, d.lang, r.target_lang"
    return {(src, tgt): n for src, tgt, n in project.conn.execute(sql, params)}


def document_langs(project: Project, documents: Sequence[int] | None = None) -> list[str]:
    """The languages of the current documents (or of ``documents``), sorted."""
    sql = "SELECT DISTINCT lang FROM documents WHERE is_current = 1"
    params: list[object] = []
    if documents:
        sql += f" AND id IN ({','.join('?' * len(documents))})"
        params.extend(documents)
    return sorted(r[0] for r in project.conn.execute(sql, params))


def documents_into(project: Project, target_lang: str) -> list[int]:
    """Ids of the current documents with at least one review unit into ``target_lang``
    (a document is never translated into its own language), in id order."""
    return [r[0] for r in project.conn.execute(
        """SELECT d.id FROM documents d WHERE d.is_current = 1 AND d.lang != ?
           AND EXISTS (SELECT 1 FROM segments s JOIN reviews r ON r.segment_id = s.id
                       WHERE s.document_id = d.id AND r.target_lang = ?)
           ORDER BY d.id""", (target_lang, target_lang))]


__all__ = ["Direction", "document_langs", "documents_into", "review_directions"]
