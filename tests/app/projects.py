"""Test projects for the app, built through the Project API only."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
from pathlib import Path

from workbench.store import NewParagraph, NewSegment, Project

MAIN = str(Path(__file__).resolve().parents[2] / "workbench" / "app" / "main.py")

XSS = '<img src=x onerror=alert(1)> and <script>alert("x")</script> **not bold**'

SENTENCES = [
    ("Le président Emmanuel Macron a reçu Vladimir Poutine à Versailles lundi.",
     "President Emmanuel Macron received Vladimir Putin at Versailles on Monday."),
    ("Les deux dirigeants ont évoqué la guerre en Syrie et la crise ukrainienne.",
     "The two leaders discussed the war in Syria and the Ukrainian crisis."),
    ("Selon l'AFP, la rencontre a duré plus de trois heures.",
     "According to AFP, the meeting lasted more than three hours."),
    ("Le Kremlin a salué « un dialogue franc et direct ».",
     "The Kremlin welcomed \"a frank and direct dialogue\"."),
    ("Aucune déclaration commune n'a été publiée à l'issue de l'entretien.",
     "No joint statement was published after the talks."),
    ("M. Poutine doit ensuite se rendre au musée du Louvre.",
     "Mr Putin is then expected to visit the Louvre museum."),
]


def add_translated_document(project: Project, title: str, pairs: list[tuple[str, str]],
                            *, confidences: list[float] | None = None, lang: str = "fr",
                            target: str = "en", per_paragraph: int = 5) -> int:
    """A French document whose segments have English MT (and optional alignment confidences)."""
    paragraphs = []
    for start in range(0, len(pairs), per_paragraph):
        chunk = pairs[start:start + per_paragraph]
        paragraphs.append(NewParagraph(" ".join(s for s, _ in chunk), "text",
                                       [NewSegment(s, True) for s, _ in chunk]))
    digest = hashlib.sha256((title + repr(pairs)).encode()).hexdigest()
    doc = project.add_document(source_path=f"/tmp/{title}.txt", title=title, lang=lang,
                               lang_confidence=0.99, fmt="text", encoding="utf-8",
                               content_hash=digest, paragraphs=paragraphs)
    seg_ids = project.segments(doc)["id"].to_list()
    project.save_translations(engine="fake", model="fake-fr-en", model_version="1",
                              source_lang=lang, target_lang=target,
                              rows=[(sid, s, t, {}) for sid, (s, t) in zip(seg_ids, pairs)])
    if confidences is not None:
        with project.transaction() as conn:
            aid = conn.execute(
                "INSERT INTO alignments (document_id, target_lang, target_kind, target_ref) "
                "VALUES (?, ?, 'mt', 'fake')", (doc, target)).lastrowid
            for i, (sid, conf) in enumerate(zip(seg_ids, confidences)):
                conn.execute("INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, confidence)"
                             " VALUES (?, ?, ?, ?, ?)", (aid, i, json.dumps([sid]),
                                                         json.dumps([i]), conf))
    return doc


def build_project(root: Path, *, extra: list[tuple[str, str]] = (), segments: int = 0) -> Path:
    """A project with one news document (plus ``extra`` pairs); ``segments`` > 0 makes it that long."""
    pairs = list(SENTENCES) + list(extra)
    if segments:
        pairs = [(f"{s} ({i})", f"{t} ({i})") for i, (s, t) in
                 zip(range(segments), (pairs[i % len(pairs)] for i in range(segments)))]
    confs = [0.3 if i % 4 == 3 else 0.9 for i in range(len(pairs))]
    with Project(root) as project:
        add_translated_document(project, "Macron reçoit Poutine", pairs, confidences=confs)
    return root


def stop_group(proc: subprocess.Popen, grace: float = 15) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it started:
    SIGTERM to the group, SIGKILL when it has not ended after ``grace`` seconds, so a
    test never leaves a server running (issue 13, item 13)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # children that outlived the leader still hold the group id
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
