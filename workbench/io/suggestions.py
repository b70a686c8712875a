"""What an export for a reviewer's CAT tool carries besides the targets: translation
memory matches (XLIFF 1.2 ``<alt-trans>``, shown as suggestions) and glossary warnings
(``<note>``), looked up per document for formats with ``Format.suggestions``; and a
warning where the target lost inline codes (tags) its source has."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import replace

from workbench.io import inline
from workbench.io.base import Alternative, Target, Unit
from workbench.store import Project


def with_suggestions(project: Project, units: Iterable[Unit]) -> Iterator[Unit]:
    """``units`` with ``Target.alternatives`` (memory matches, best first, never the
    target's own text) and ``Target.notes`` (glossary warnings of the project's
    glossary), one document at a time."""
    from workbench.glossary.check import check_pair
    from workbench.glossary.project import project_glossary
    from workbench.memory.project import document_matches

    glossary = project_glossary(project).glossary
    for doc_id, doc in itertools.groupby(units, key=lambda u: u.document_id):
        matches: dict[str, dict[int, list]] = {}
        for unit in doc:
            targets = []
            for t in unit.targets:
                if doc_id is not None and t.lang not in matches:
                    matches[t.lang] = document_matches(project, doc_id, t.lang, glossary=glossary)
                found = matches.get(t.lang, {}).get(unit.segment_id, [])
                alts = tuple(Alternative(m.target, f"memory:{m.origin}", m.score)
                             for m in found if m.target != t.text)
                notes = tuple(f"glossary: {issue.message}" for issue in check_pair(
                    glossary, inline.plain(unit.source), inline.plain(t.text), "", t.lang)
                ) if glossary is not None and t.text else ()
                targets.append(replace(t, alternatives=alts, notes=notes + _lost_tags(unit, t)))
            yield replace(unit, targets=tuple(targets))


def _lost_tags(unit: Unit, t: Target) -> tuple[str, ...]:
    """A QA note when the target lacks tags of the source (the reviewer's tool shows it)."""
    lost = inline.missing(t.text, unit.source) if t.text and unit.codes else []
    if not lost:
        return ()
    return ("inline codes: the target lacks "
            + ", ".join(inline.display(inline.placeholder(unit.codes[i].role, i), unit.codes)
                        for i in lost),)
