"""The memory's shortcuts give the results of the plain computation: word keys
without tokens, scoring only candidates that can reach the threshold, counting
postings up to caps, and the leverage report against per-segment lookups."""

from __future__ import annotations

import random

import numpy as np
import pytest

from workbench.memory import project as mp
from workbench.memory.match import (ANALYSIS_MIN_SCORE, Match, MemoryUnit, Query, Scorer, band,
                                    best_matches, tokens, word_keys)
from workbench.memory.project import MemoryIndex, analyse, lookup
from workbench.store import NewParagraph, NewSegment, Project
from workbench.store import memory as store

#: Why the comparisons with FTS5 are SQLite's: PostgreSQL's one-query-per-text lookups rank
#: candidates by ts_rank, not BM25 (README, "Working as a team"), so there the batch (BM25
#: over the word index) and the single queries may take different candidates past the limit.
FTS5_ONLY = pytest.mark.sqlite_only("compares with SQLite FTS5's BM25 ranking; PostgreSQL "
                                    "ranks single lookups by ts_rank")

ALPHABET = "aAéÉe\u0301 '’.,:;!?-_0123456789«»İßǅ\u00a0\t—"


def test_word_keys_are_the_keys_of_the_words_and_numbers_of_tokens():
    rng = random.Random(3)
    texts = ["Le 13 septembre.", "L'homme d’État « dit » 1,5 m_x", "e\u0301te\u0301 ÉTÉ İstanbul",
             "12.3.4, a:b 3:4", ""]
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 25))) for _ in range(3000)]
    for text in texts:
        assert word_keys(text) == [t.key for t in tokens(text) if t.kind != "punct"], text


def _all_scored(scorer: Scorer, query: Query, units: list[MemoryUnit], min_score: int,
                limit: int) -> list[Match]:
    """best_matches as it was: every unit scored."""
    found: dict[str, Match] = {}
    for unit in units:
        if query.segment_id is not None and unit.segment_id == query.segment_id:
            continue
        m = scorer.match(query, unit)
        if m.score >= min_score and (m.target not in found or m.rank > found[m.target].rank):
            found[m.target] = m
    return sorted(found.values(), key=lambda m: m.rank, reverse=True)[:limit]


def test_skipping_units_that_cannot_reach_the_threshold_changes_no_result():
    rng = random.Random(5)
    words = ["le", "ministre", "est", "arrivé", "à", "Moscou", "il", "a", "rencontré", "président",
             "russe", "hier", "soir", "Le", "É\u0301", "e\u0301te\u0301", "été"]

    def text() -> str:
        toks = [rng.choice(words + [str(rng.randint(1, 30))]) for _ in range(rng.randint(1, 9))]
        return " ".join(toks) + rng.choice([".", "", " !", "…"])

    units = [MemoryUnit(id=i, source=text(), target=f"T{rng.randint(0, 40)} {i % 7}",
                        source_lang="fr", target_lang="en", origin="file",
                        created_at=f"2024-01-{i % 28 + 1:02d}",
                        segment_id=i if i % 5 == 0 else None)
             for i in range(400)]
    units += [MemoryUnit(id=1000 + i, source=u.source.replace("été", "e\u0301te\u0301"),
                         target=u.target, source_lang="fr", target_lang="en", origin="file")
              for i, u in enumerate(units[:40])]
    scorer = Scorer("fr", "en")
    for n in range(150):
        q = Query(text() if n % 3 else rng.choice(units).source, segment_id=rng.choice([None, 5]))
        cands = rng.sample(units, 60)
        for min_score, limit in ((70, 3), (50, 1), (0, 5), (100, 1), (85, 2)):
            fast = best_matches(scorer, q, cands, min_score=min_score, limit=limit)
            assert [(m.score, m.kind, m.unit.id, m.target) for m in fast] == \
                [(m.score, m.kind, m.unit.id, m.target)
                 for m in _all_scored(scorer, q, cands, min_score, limit)], (q, min_score, limit)


def _zipf_sentences(rng: random.Random, n: int) -> list[str]:
    vocab = [f"mot{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    return [" ".join(rng.choices(vocab, weights, k=rng.randint(3, 14))) + "." for _ in range(n)]


@pytest.fixture
def zipf_memory(tmp_path):
    rng = random.Random(11)
    with Project(tmp_path / "p") as p:
        store.add_units(p, (mp.new_unit("fr", "en", s, f"EN {i}", "file", origin_ref="z")
                            for i, s in enumerate(_zipf_sentences(rng, 3000))))
        yield p, rng


def test_capped_posting_counts_choose_the_words_exact_counts_choose(zipf_memory, monkeypatch):
    p, rng = zipf_memory
    # budgets and caps small enough for this memory to take every path (caps passed,
    # exact counts needed when fewer than two words are under the cap)
    for budget, caps in ((200, (4, 30, 201)), (40, (2, 41)), (1000, (64, 512, 1001))):
        monkeypatch.setattr(mp, "POSTINGS_BUDGET", budget)
        monkeypatch.setattr(mp, "COUNT_CAPS", caps)
        index = MemoryIndex(p, "fr", "en", sync=False)
        for text in _zipf_sentences(rng, 150) + ["Mot0 mot1 mot0.", "mot1 mot2", "inconnu"]:
            assert index._terms(text) == _exact_choice(p, text, budget), (text, budget)


def _exact_choice(p: Project, text: str, budget: int) -> list[str]:
    words = list(dict.fromkeys(mp._FTS_WORD.findall(text.lower())))
    df = store.term_frequencies(p, words)
    exact, postings = [], 0
    for w in sorted((w for w in words if df.get(w)), key=lambda w: df[w])[:mp.QUERY_TERMS]:
        postings += df[w]
        if len(exact) >= 2 and postings > budget:
            break
        exact.append(w)
    return exact


def test_word_counts_shared_by_lookups_follow_changes_of_the_memory(zipf_memory, monkeypatch):
    p, rng = zipf_memory
    monkeypatch.setattr(mp, "POSTINGS_BUDGET", 100)
    monkeypatch.setattr(mp, "COUNT_CAPS", (4, 101))
    text = "mot250 mot280 mot3 rarissime."
    before = MemoryIndex(p, "fr", "en")._terms(text)
    assert before == _exact_choice(p, text, 100) and "rarissime" not in before
    store.add_units(p, (mp.new_unit("fr", "en", f"rarissime mot{i} mot250", f"EN {i}", "file")
                        for i in range(300)))
    after = MemoryIndex(p, "fr", "en")._terms(text)
    assert after == _exact_choice(p, text, 100) and after != before


def _add_documents(p: Project, texts: list[str], per_document: int) -> None:
    """French documents of ``per_document`` segments each, one paragraph, texts in order."""
    for d in range(0, len(texts), per_document):
        chunk = texts[d:d + per_document]
        p.add_document(source_path=f"d{d}.txt", title=f"d{d}", lang="fr", lang_confidence=1.0,
                       fmt="txt", encoding="utf-8", content_hash=f"h{d}",
                       paragraphs=[NewParagraph(" ".join(chunk), "body",
                                                [NewSegment(s, True) for s in chunk])])


def test_leverage_report_equals_one_lookup_per_segment(tmp_path):
    rng = random.Random(13)
    memory = _zipf_sentences(rng, 400)
    texts = [s if i % 4 == 0 else s.replace("mot", "Mot", 1) if i % 4 == 1 else
             " ".join(s.split()[1:]) or s if i % 4 == 2 else f"autre {s}"
             for i, s in enumerate(memory[:120])] + _zipf_sentences(rng, 60)
    with Project(tmp_path / "p") as p:
        store.add_units(p, (mp.new_unit("fr", "en", s, f"EN {i}", "file", origin_ref="m")
                            for i, s in enumerate(memory)))
        _add_documents(p, texts, 45)
        total = analyse(p, "en")[-1]
        expected = dict.fromkeys(total.words, 0)
        seen = set()
        ctx = store.segment_contexts(p)
        for r in ctx.iter_rows(named=True):
            key = mp.normalise(r["text"])
            if key in seen:
                expected["repetitions"] += 1
                continue
            seen.add(key)
            found = MemoryIndex(p, "fr", "en").lookup(
                [Query(r["text"], r["context_before"], r["context_after"], r["segment_id"])],
                min_score=ANALYSIS_MIN_SCORE, limit=1)[0]
            expected[band(found[0] if found else None)] += 1
        assert total.segments == expected
        assert sum(expected.values()) == len(texts)
        assert expected["100%"] and expected["no match"] and sum(
            v for k, v in expected.items() if k not in ("100%", "no match", "repetitions"))
        # and the free-text lookup agrees with the index it wraps
        assert [[m.unit.id for m in ms] for ms in lookup(p, texts[:30], "fr", "en", min_score=50)] \
            == [[m.unit.id for m in ms] for ms in MemoryIndex(p, "fr", "en").lookup(
                [Query(t) for t in texts[:30]], min_score=50)]


# -- batch lookups: the word index's ranking computed for many queries at once ---------


def _varied_sentences(rng: random.Random, n: int) -> list[str]:
    """Zipf words, lengths from 2 to 150 tokens (sizes over 127 take two bytes in the
    index), repeated words (a word twice in a unit), numbers and accents."""
    vocab = [f"mot{i}" for i in range(400)] + ["été", "État", "l'homme", "aujourd’hui"]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    out = []
    for _ in range(n):
        k = rng.choice([rng.randint(2, 14), rng.randint(2, 14), rng.randint(15, 40),
                        rng.randint(120, 150)])
        words = rng.choices(vocab, weights, k=k)
        if rng.random() < 0.3:
            words += words[: rng.randint(1, 3)]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), str(rng.randint(1, 99)))
        out.append(" ".join(words).capitalize() + rng.choice([".", " !", ""]))
    return out


@pytest.fixture
def varied_memory(tmp_path):
    """3,000 units in fr→en and 600 in fr→de (units of another pair take places in
    the word index's ranking, as they do in FTS5's)."""
    rng = random.Random(17)
    with Project(tmp_path / "p") as p:
        sources = _varied_sentences(rng, 3600)
        store.add_units(p, (mp.new_unit("fr", "en" if i % 6 else "de", s, f"T{i} {s}", "file",
                                        origin_ref="v")
                            for i, s in enumerate(sources)))
        yield p, rng, sources


def _fts_ranking(p: Project, terms: list[str], limit: int) -> list[tuple[int, float]]:
    match = " OR ".join(f'"{t}"' for t in terms)
    return [tuple(r) for r in p.conn.execute(
        "SELECT rowid, rank FROM memory_fts WHERE memory_fts MATCH ? ORDER BY rank LIMIT ?",
        (match, limit))]


@FTS5_ONLY
def test_batch_ranking_is_fts5_bm25(varied_memory):
    from workbench.memory import rank

    p, rng, sources = varied_memory
    index = MemoryIndex(p, "fr", "en", sync=False)
    stats = rank.IndexStats.of(*store.word_index_sizes(p))
    assert stats.sizes.max() > 127        # two-byte sizes read too
    assert stats.rows == 3600
    queries = rng.sample(sources, 150)
    queries += _varied_sentences(rng, 150)
    compared = extra = repeated = 0
    for q in queries:
        terms = index._terms(q)
        postings = store.word_postings(p, terms)
        repeated += sum(int((f > 1).sum()) for _, f in postings.values())
        weights = {w: (ids, rank.term_weights(ids, f, stats)) for w, (ids, f) in postings.items()}
        ours = rank.best_ranked([weights[w] for w in terms], mp.FUZZY_CANDIDATES)
        theirs = _fts_ranking(p, terms, mp.FUZZY_CANDIDATES)
        # every unit FTS5 ranks among the first is among ours, with FTS5's score
        assert {i for i, _ in theirs} <= set(ours), q
        scores = {i: -r for i, r in theirs}
        for i in ours:
            mine = sum(float(w[np.searchsorted(u, i)]) for u, w in weights.values()
                       if np.searchsorted(u, i) < len(u) and u[np.searchsorted(u, i)] == i)
            if i in scores:
                assert mine == pytest.approx(scores[i], rel=1e-12)
                compared += 1
            else:   # kept as a tie of the last one FTS5 took
                assert mine == pytest.approx(min(scores.values()), rel=1e-9)
                extra += 1
    assert compared > 5000 and extra < compared // 10
    assert repeated > 100     # words asked that are twice in a unit (they weigh more)


def _edited(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(0, 4)):
        words[rng.randrange(len(words))] = f"mot{rng.randint(0, 450)}"
    return " ".join(words)


def _one_by_one(monkeypatch, index: MemoryIndex, queries: list[Query], **kw) -> list:
    """The lookup as it was before batches: one FTS5 query per query."""
    with monkeypatch.context() as m:
        m.setattr(mp, "BATCH_QUERIES", 10**9)
        return index.lookup(queries, **kw)


def _summary(found: list) -> list:
    return [[(x.score, x.kind, x.unit.id, x.target) for x in ms] for ms in found]


@FTS5_ONLY
def test_a_batch_lookup_finds_what_one_query_per_text_finds(varied_memory, monkeypatch):
    p, rng, sources = varied_memory
    queries = [Query(_edited(rng, s)) for s in rng.sample(sources, 250)]
    queries += [Query(s) for s in _varied_sentences(rng, 100)]
    # small chunks and a small postings budget: the postings kept are dropped on the way
    monkeypatch.setattr(mp, "BATCH_CHUNK", 64)
    monkeypatch.setattr(mp, "BATCH_POSTINGS", 3000)
    calls = []
    monkeypatch.setattr(store, "fuzzy_candidates",
                        lambda *a, _f=store.fuzzy_candidates: calls.append(a) or _f(*a))
    for kw in ({"min_score": 50, "limit": 1}, {"min_score": 70, "limit": 3},
               {"min_score": 0, "limit": 5}):
        index = MemoryIndex(p, "fr", "en", sync=False)
        batch = index.lookup(queries, **kw)
        assert not calls           # no FTS5 query per text
        single = _one_by_one(monkeypatch, MemoryIndex(p, "fr", "en", sync=False), queries, **kw)
        assert len(calls) > 300
        calls.clear()
        # the same matches; where units tie with the last one FTS5 takes, the batch
        # scores them all (FTS5 keeps some), so it can only find better ones
        differ = 0
        for b, s in zip(batch, single):
            assert len(b) >= len(s) and all(x.rank >= y.rank for x, y in zip(b, s)), kw
            differ += _summary([b]) != _summary([s])
        assert differ <= (0 if kw["min_score"] >= 50 else len(queries) // 20), kw
        assert sum(bool(ms) for ms in batch) > 150


@FTS5_ONLY
def test_a_word_the_index_counts_otherwise_goes_to_the_single_query(varied_memory, monkeypatch):
    p, rng, sources = varied_memory
    queries = [Query(_edited(rng, s)) for s in rng.sample(sources, 220)]
    real = store.word_postings

    def missing_mot3(project, terms):      # as if the index tokenised "mot3" otherwise
        out = real(project, terms)
        if "mot3" in out:
            out["mot3"] = (out["mot3"][0][:-1], out["mot3"][1][:-1])
        return out

    monkeypatch.setattr(store, "word_postings", missing_mot3)
    monkeypatch.setattr(mp, "BATCH_QUERIES", 1)
    index = MemoryIndex(p, "fr", "en", sync=False)
    with_mot3 = [q for q in queries if "mot3" in index._terms(q.text)]
    assert with_mot3
    batch = index.lookup(queries, min_score=50, limit=2)
    assert _summary(batch) == _summary(_one_by_one(monkeypatch, index, queries, min_score=50,
                                                   limit=2))


@FTS5_ONLY
def test_the_leverage_report_of_a_batch_equals_one_lookup_per_segment(varied_memory,
                                                                      monkeypatch):
    p, rng, sources = varied_memory
    texts = [_edited(rng, s) for s in rng.sample(sources, 260)] + _varied_sentences(rng, 80)
    texts += rng.sample(texts, 20)        # repetitions
    _add_documents(p, texts, 60)
    monkeypatch.setattr(mp, "BATCH_CHUNK", 100)
    batch = analyse(p, "en")
    with monkeypatch.context() as m:
        m.setattr(mp, "BATCH_QUERIES", 10**9)
        single = analyse(p, "en")
    assert [r.as_dict() for r in batch] == [r.as_dict() for r in single]
    total = batch[-1].segments
    assert sum(total.values()) == len(texts) and total["repetitions"] >= 20
    assert all(total[b] for b in ("100%", "95-99%", "85-94%", "75-84%", "50-74%", "no match"))


def test_a_batch_index_follows_units_added_after_its_first_batch(varied_memory, monkeypatch):
    p, rng, sources = varied_memory
    monkeypatch.setattr(mp, "BATCH_QUERIES", 1)
    index = MemoryIndex(p, "fr", "en", sync=False)
    assert index._stats is None
    index.lookup([Query(sources[1] + " encore")], min_score=70, limit=1)
    assert index._stats is not None   # the sizes are read
    store.add_units(p, [mp.new_unit("fr", "en", "Rarissime mot7 mot8 mot9 mot10 mot11.",
                                    "Very rare.", "file", origin_ref="new")])
    queries = [Query("rarissime mot7 mot8 mot9 mot10 mot11"), Query(sources[2])]
    [m], _ = index.lookup(queries, min_score=70, limit=1)   # a unit id past the sizes read
    assert m.score >= 95 and m.target == "Very rare."
