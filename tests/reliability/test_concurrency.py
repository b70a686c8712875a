"""Two processes saving reviews into one project at once (issue 8, item 3):
no edit is lost, and a conflicting edit of the same segment is refused, not applied;
on SQLite and on PostgreSQL (issue 16)."""

import multiprocessing as mp
from pathlib import Path

import pytest

from workbench.errors import ConflictError
from workbench.store import NewParagraph, NewSegment, Project

N = 60
#: Every test runs on SQLite and on PostgreSQL (``db_url`` sets ``WORKBENCH_DB``, which the
#: spawned writers inherit).
pytestmark = pytest.mark.usefixtures("db_url")


def _setup(root: Path) -> list[int]:
    with Project(root) as project:
        sentences = [f"Phrase numéro {i} sur Pyongyang." for i in range(2 * N)]
        doc = project.add_document(
            source_path="x.txt", title="t", lang="fr", lang_confidence=1.0, fmt="text",
            encoding="utf-8", content_hash="h",
            paragraphs=[NewParagraph(" ".join(sentences), "text",
                                     [NewSegment(s, True) for s in sentences])])
        segs = project.segments(doc)
        project.save_translations(
            engine="apertium", model="m", model_version="1", source_lang="fr",
            target_lang="en",
            rows=[(sid, t, f"Sentence {i}", {}) for i, (sid, t) in
                  enumerate(zip(segs["id"], segs["text"]))])
        return segs["id"].to_list()


def _writer(root: str, segment_ids: list[int], author: str, barrier) -> None:
    with Project(root) as project:
        barrier.wait()
        for sid in segment_ids:
            version = project.review(sid, "en").version
            project.save_review(sid, "en", text=f"{author} {sid}", status="approved",
                                expected_version=version, author=author)


def _conflicting(root: str, sid: int, author: str, barrier, results) -> None:
    with Project(root) as project:
        version = project.review(sid, "en").version
        barrier.wait()  # both read version 1 before either saves
        try:
            project.save_review(sid, "en", text=f"edit by {author}", expected_version=version,
                                author=author)
            results.put((author, "saved"))
        except ConflictError as exc:
            results.put((author, f"conflict: {exc}"))


@pytest.mark.parametrize("trial", range(3))
def test_parallel_writers_lose_nothing(tmp_path, trial):
    ids = _setup(tmp_path / "p")
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(str(tmp_path / "p"), part, name, barrier))
             for name, part in (("alice", ids[:N]), ("bob", ids[N:]))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with Project(tmp_path / "p") as project:
        pairs = project.pairs("en")
        expected = [f"alice {i}" for i in ids[:N]] + [f"bob {i}" for i in ids[N:]]
        assert pairs["target"].to_list() == expected
        assert set(pairs["status"]) == {"approved"}
        edits = project.frame("SELECT COUNT(*) AS n FROM edits")["n"][0]
        assert edits == 2 * N


@pytest.mark.parametrize("trial", range(3))
def test_same_segment_conflict_detected(tmp_path, trial):
    sid = _setup(tmp_path / "p")[0]
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_conflicting, args=(str(tmp_path / "p"), sid, name, barrier,
                                                    results)) for name in ("alice", "bob")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    outcomes = dict(results.get(timeout=10) for _ in procs)
    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["conflict", "saved"]
    winner = next(a for a, o in outcomes.items() if o == "saved")
    with Project(tmp_path / "p") as project:
        assert project.review(sid, "en").text == f"edit by {winner}"
        assert project.review(sid, "en").version == 2


def _ingester(root: str, path: str, barrier, results) -> None:
    from workbench.ingest import ingest_file

    with Project(root) as project:
        barrier.wait()
        results.put(ingest_file(project, Path(path), lang="fr").status)


@pytest.mark.parametrize("trial", range(3))
def test_simultaneous_ingests_of_one_file_store_it_once(tmp_path, trial):
    """Issue 13, item 7: the hash check and the insert are one transaction."""
    article = tmp_path / "article.txt"
    article.write_text("Le ministre a parlé. " * 200 + f"Essai {trial}.", encoding="utf-8")
    Project(tmp_path / "p").close()
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_ingester, args=(str(tmp_path / "p"), str(article), barrier,
                                                 results)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert sorted(results.get(timeout=5) for _ in procs) == ["added", "unchanged"]
    with Project(tmp_path / "p") as project:
        assert len(project.documents(current_only=False)) == 1
