"""The translation memory of a project: filling it, looking it up, using it.

Thin shells over :mod:`workbench.memory.match` (scoring, pure) and
:mod:`workbench.store.memory` (SQL). The memory holds:

* the project's **approved reviews** (origin ``review``), brought up to date
  before every lookup (:func:`sync_reviews`; cheap when nothing changed);
* **imported files** (origin ``file``): TMX, XLIFF, TSV/CSV, JSONL, Parquet,
  our exports or other tools' (:func:`import_memory`, one transaction,
  idempotent);
* **aligned human translations** (origin ``alignment``): beads of
  ``workbench align`` in project mode at or above a confidence
  (:func:`add_aligned`).

Lookups find candidates in two indexes (the source's word hash, for exact and
number-only differences; an FTS5 word index queried with the query's rarest
words), then score them with :class:`~workbench.memory.match.Scorer`. Both
indexes are kept current in the transaction that changes the units: the hash is a
column of ``memory_units``, the word index is filled by triggers on it. How rare a
word is, is counted in the word index up to growing caps (a common word never
costs more than the postings budget) and remembered for the open project until
its database changes. A batch of lookups (the leverage report, pre-translation,
``tm lookup --in``) reads each asked word's postings once and ranks the candidates
of every query with FTS5's own formula (:mod:`workbench.memory.rank`) instead of
one FTS5 query per text: the same candidates, without a B-tree lookup per posting.
"""

from __future__ import annotations

import csv
import re
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import EncodingError, FormatError, InputError, NotFoundError
from workbench.memory.match import (ANALYSIS_MIN_SCORE, BANDS, DEFAULT_MATCHES_SHOWN,
                                    DEFAULT_MIN_SCORE, NO_MATCH, PRETRANSLATE_MIN_SCORE,
                                    REPETITIONS, Match, MemoryUnit, Query, Scorer, band,
                                    best_matches, normalise, source_hash, unit_key, word_count)
from workbench.store import Project
from workbench.store import memory as store
from workbench.store.memory import NewMemoryUnit

#: Units fetched from the word index per query before scoring.
FUZZY_CANDIDATES = 30
#: Units scored per query at most, whatever the memory holds: those of the query's source
#: hash, or when more share it (texts differing only by numbers: daily copy with new dates)
#: MAX_CANDIDATES - FUZZY_CANDIDATES of them (the same text first, then the same
#: contexts, then the newest: :func:`store.family_units`), then the word index's.
MAX_CANDIDATES = 80
#: From this many queries on, a lookup ranks the word index's candidates for all of
#: them at once (:mod:`workbench.memory.rank`), BATCH_CHUNK queries at a time, keeping
#: the postings read while they hold at most BATCH_POSTINGS units in all.
BATCH_QUERIES = 200
BATCH_CHUNK = 2_000
BATCH_POSTINGS = 8_000_000      # 12 bytes each (id, weight): about 96 MB
#: Query words the word index is searched with: the rarest ones, at most QUERY_TERMS,
#: while their units together stay under POSTINGS_BUDGET (at least the two rarest), so a
#: lookup costs the same in a memory of 10,000 or 1,000,000 units.
QUERY_TERMS = 6
POSTINGS_BUDGET = 5_000
#: Postings are counted up to these caps, each only when the one before cannot decide.
COUNT_CAPS = (64, 512, POSTINGS_BUDGET + 1)
_EXACT = 1 << 62
#: Default confidence for units taken from aligned human translations.
DEFAULT_MIN_CONFIDENCE = 0.7
_FTS_WORD = re.compile(r"\w+")


def new_unit(source_lang: str, target_lang: str, source: str, target: str, origin: str, *,
             origin_ref: str = "", author: str = "", context_before: str | None = None,
             context_after: str | None = None, segment_id: int | None = None,
             created_at: str | None = None) -> NewMemoryUnit:
    """A unit to store, with its identity key and source hash. Inline-code placeholders
    (:mod:`workbench.io.inline`) are left out: the memory holds text, matched by words."""
    from workbench.io.inline import plain

    source, target = plain(source), plain(target)
    return NewMemoryUnit(
        key=unit_key(source_lang, target_lang, source, target, context_before, context_after,
                     origin),
        source_hash=source_hash(source), source_lang=source_lang, target_lang=target_lang,
        source=source, target=target, origin=origin, origin_ref=origin_ref, author=author,
        context_before=context_before, context_after=context_after, segment_id=segment_id,
        created_at=created_at)


# -- filling ---------------------------------------------------------------------------


def sync_reviews(project: Project) -> tuple[int, int]:
    """Make the memory's ``review`` units the approved reviews of the project's current
    documents (a changed or withdrawn approval replaces or removes its unit).
    Returns ``(added, removed)``; does nothing when no review changed since."""
    signature = store.reviews_signature(project)
    if project.setting("memory_reviews") == signature:
        return 0, 0
    wanted: dict[str, NewMemoryUnit] = {}
    for r in store.approved_reviews(project).iter_rows(named=True):
        u = new_unit(r["source_lang"], r["target_lang"], r["source"], r["target"], "review",
                     origin_ref=f"{r['document']} #{r['segment_id']}", author=r["author"],
                     context_before=r["context_before"], context_after=r["context_after"],
                     segment_id=r["segment_id"], created_at=r["updated_at"])
        wanted[u.key] = u
    have = store.review_unit_keys(project)
    return store.replace_review_units(project, set(wanted),
                                      [u for k, u in wanted.items() if k not in have], signature)


@dataclass
class MemoryImportReport:
    """What ``tm import`` did with a file."""

    path: Path
    format: str
    units: int = 0          # pairs read (one per unit and target language)
    added: int = 0
    existing: int = 0       # already in the memory (the same file twice adds nothing)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"{self.path}: {self.added} units added, {self.existing} already in the memory "
               f"({self.units} pairs read, {self.format})"]
        out += [f"skipped: {n} {why}" for why, n in self.skipped.items()]
        out += [f"note: {msg} ({n}×)" for msg, n in self.notes.items()]
        return out


def import_memory(project: Project, path: Path | str, *, src: str | None = None,
                  tgt: str | None = None, author: str = "",
                  statuses: Sequence[str] = ("approved",),
                  reverse: bool = False) -> MemoryImportReport:
    """Add the pairs of a TMX, XLIFF, TSV/CSV, JSONL or Parquet file to the memory.

    All or nothing (one transaction; a malformed file changes nothing) and
    idempotent. ``src``/``tgt`` keep one language pair (and name the languages of
    a plain two-column TSV/CSV without a header). Targets whose status (in our
    exports) is not one of ``statuses`` are skipped: a machine draft is not a
    memory. Units of our exports keep their neighbours as context. TMX units keep
    their author and date (``changeid``/``changedate``, else ``creationid``/
    ``creationdate``, of the target ``<tuv>`` or the ``<tu>``); ``author`` and the
    import time stand in where a file has none. ``reverse`` also adds each pair the
    other way round (origin ``NAME (reversed)``, no context): a translator's English →
    French memory then serves French → English lookups too.
    """
    from workbench.io import format_for_path
    from workbench.io.inline import has_codes
    from workbench.io.project import language_codes

    path = Path(path)
    fmt = format_for_path(path)
    src, tgt = (src or "").strip().lower() or None, (tgt or "").strip().lower() or None
    report = MemoryImportReport(path=path, format=fmt.name)
    if fmt.name in ("tsv", "csv") and not _has_header(path, "\t" if fmt.name == "tsv" else ","):
        if not (src and tgt):
            raise InputError(f"{path} has no header row naming source_lang, target_lang, source "
                             "and target; for two columns (source, target) give --from and --to")
        pairs = _plain_pairs(path, "\t" if fmt.name == "tsv" else ",", src, tgt)
    else:
        if fmt.name == "tmx":
            read: Iterable[tuple[Any, tuple[Authorship, ...] | None]] = _tmx_units(path, report.notes)
        else:
            read = ((u, None) for u in fmt.read(path, report.notes))
        units = ((language_codes(u, report.notes), who) for u, who in read)
        pairs = _pairs(units, src, tgt, statuses, report)

    def rows() -> Iterator[NewMemoryUnit]:
        for s_lang, t_lang, source, target, before, after, who in pairs:
            report.units += 1
            if not source.strip() or not target.strip():
                report.skipped["with an empty source or target"] += 1
                continue
            if has_codes(source) or has_codes(target):
                report.notes["inline codes left out of the memory (`workbench import` keeps "
                             "them in the project)"] += 1
            by = who[0] or author if who else author
            when = who[1] if who else None
            yield new_unit(s_lang, t_lang, source, target, "file", origin_ref=path.name,
                           author=by, created_at=when, context_before=before,
                           context_after=after)
            if reverse:
                report.notes[f"pairs also added reversed ({t_lang}→{s_lang})"] += 1
                yield new_unit(t_lang, s_lang, target, source, "file",
                               origin_ref=f"{path.name} (reversed)", author=by, created_at=when)

    try:
        report.added, report.existing = store.add_units(project, rows())
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return report


#: Author and date (``created_at`` form) of a target, from the file; ``None`` where it has none.
Authorship = tuple[str | None, str | None]
PairRow = tuple[str, str, str, str, str | None, str | None, Authorship | None]
_TMX_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})Z")


def _tmx_date(value: str | None) -> str | None:
    """A TMX date (``20240913T101500Z``, UTC) in the memory's form
    (``2024-09-13T10:15:00.000Z``); None when absent or not a TMX date."""
    m = _TMX_DATE.fullmatch((value or "").strip())
    return None if m is None else "{}-{}-{}T{}:{}:{}.000Z".format(*m.groups())


def _tmx_units(path: Path, notes: Counter[str]) -> Iterator[tuple[Any, tuple[Authorship, ...]]]:
    """The units of a TMX file (as :func:`workbench.io.tmx.read_tmx` reads them), each
    with the author and date of each target: the target ``<tuv>``'s ``changeid`` /
    ``changedate`` (the last change), else its ``creationid`` / ``creationdate``,
    else the same attributes of the ``<tu>``."""
    from workbench.io.tmx import XML_LANG, read_tmx_elements

    def who(*elems: Any) -> Authorship:
        author = date = None
        for e in elems:
            author = author or e.get("changeid") or e.get("creationid") or None
            date = date or _tmx_date(e.get("changedate")) or _tmx_date(e.get("creationdate"))
        if author is None and date is None:
            return None, None
        return (author.strip() or None) if author else None, date

    for unit, tu in read_tmx_elements(path, notes):
        tuvs = {}
        for c in tu:
            if c.tag == "tuv":
                tuvs.setdefault(c.get(XML_LANG) or c.get("lang"), c)
        yield unit, tuple(who(*(e for e in (tuvs.get(t.lang), tu) if e is not None))
                          for t in unit.targets)


def _pairs(units: Iterable[tuple[Any, tuple[Authorship, ...] | None]], src: str | None,
           tgt: str | None, statuses: Sequence[str], report: MemoryImportReport
           ) -> Iterator[PairRow]:
    """``(src, tgt, source, target, context before, context after, authorship)`` per unit
    and target; units with a document and position get the sources of their
    neighbours as context."""
    def emit(item: tuple[Any, tuple[Authorship, ...] | None], before: str | None,
             after: str | None) -> Iterator[PairRow]:
        unit, who = item
        if src and unit.source_lang != src:
            report.skipped[f"in another source language than {src}"] += len(unit.targets)
            return
        for i, t in enumerate(unit.targets):
            if tgt and t.lang != tgt:
                report.skipped[f"in another target language than {tgt}"] += 1
            elif t.status is not None and t.status not in statuses:
                report.skipped[f"with status {t.status} (not {', '.join(statuses)})"] += 1
            else:
                yield (unit.source_lang, t.lang, unit.source, t.text, before, after,
                       who[i] if who else None)

    def neighbour(item: tuple[Any, Any], other_item: tuple[Any, Any] | None) -> str | None:
        """The neighbour's source as context: '' at a document's edge, None when the
        file does not place its units in documents."""
        unit, other = item[0], None if other_item is None else other_item[0]
        if unit.idx is None:
            return None
        if (other is not None and other.idx is not None
                and (other.document_id, other.document) == (unit.document_id, unit.document)):
            return other.source
        return ""

    it = iter(units)
    prev, cur = None, next(it, None)
    while cur is not None:
        nxt = next(it, None)
        yield from emit(cur, neighbour(cur, prev), neighbour(cur, nxt))
        prev, cur = cur, nxt


def _has_header(path: Path, delimiter: str) -> bool:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = next(csv.reader(handle, delimiter=delimiter), [])
    except UnicodeDecodeError:
        raise EncodingError(f"{path}: not UTF-8; save it as UTF-8 and try again") from None
    return {"source", "target"} <= set(first)


def _plain_pairs(path: Path, delimiter: str, src: str, tgt: str) -> Iterator[PairRow]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for cells in reader:
                if not cells:
                    continue
                if len(cells) != 2:
                    raise FormatError(f"{path} line {reader.line_num}: {len(cells)} columns; "
                                      "a file without a header needs exactly two (source, target)")
                yield src, tgt, cells[0], cells[1], None, None, None
        except UnicodeDecodeError:
            raise EncodingError(f"{path}: not UTF-8; save it as UTF-8 and try again") from None
        except csv.Error as exc:
            raise FormatError(f"{path}: malformed file: {exc}") from None


@dataclass
class AlignedReport:
    beads: int = 0
    added: int = 0
    existing: int = 0


def add_aligned(project: Project, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> AlignedReport:
    """Add the beads of alignments with human translations (``workbench align`` in
    project mode) whose confidence is at least ``min_confidence``; idempotent."""
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError(f"the confidence is between 0 and 1, not {min_confidence}")
    beads = store.aligned_beads(project, min_confidence)
    report = AlignedReport(beads=len(beads))
    rows = (new_unit(r["source_lang"], r["target_lang"], r["source"], r["target"], "alignment",
                     origin_ref=f"{r['document']} ↔ {r['target_ref']}",
                     author=f"alignment (confidence {r['confidence']:.2f})",
                     created_at=r["created_at"])
            for r in beads.iter_rows(named=True) if r["source"] and r["target"])
    report.added, report.existing = store.add_units(project, rows)
    return report


# -- looking up --------------------------------------------------------------------------


_WORD_COUNTS: weakref.WeakKeyDictionary[Project, tuple[tuple[int, int], dict[str, int],
                                                       dict[str, int]]] = weakref.WeakKeyDictionary()


class MemoryIndex:
    """Lookups in one language pair of a project's memory (reviews synced on creation).

    ``glossary`` makes names placeables and normalises the proposed targets."""

    def __init__(self, project: Project, src: str, tgt: str, *, glossary: Any | None = None,
                 sync: bool = True) -> None:
        if sync:
            sync_reviews(project)
        self.project, self.src, self.tgt, self.glossary = project, src, tgt, glossary
        self.scorer = Scorer(src, tgt, glossary)
        # postings per word, counted up to _cap[word]: shared by the indexes of one open
        # project until its database changes (by this connection or another one)
        signature = _signature(project)
        counts = _WORD_COUNTS.get(project)
        if counts is None or counts[0] != signature:
            counts = _WORD_COUNTS[project] = (signature, {}, {})
        self._df: dict[str, int] = counts[1]
        self._cap: dict[str, int] = counts[2]
        self._stats: Any = None  # (signature, rank.IndexStats), read for the first batch

    def _terms(self, text: str) -> list[str]:
        """The rarest words of ``text`` to query the word index with: at most
        QUERY_TERMS, while their postings stay under POSTINGS_BUDGET, at least two.

        Counting a common word's postings costs in proportion to the memory, and
        only the order of the rarest words matters; so postings are counted up to
        growing caps (COUNT_CAPS, then exactly), each step only for the words still
        at their cap and only while the choice is undecided: a word at cap ``c``
        has ``c`` or more postings, which is enough to know it comes after every
        word with fewer, and that taking it would pass the budget. The choice is
        the one exact counts give."""
        words = _words(text)
        if len(self._df) > 200_000:
            self._df.clear()
            self._cap.clear()
        new = [w for w in words if w not in self._df]
        if new:
            others = [w for w in new if not w.isalnum()]  # not one token of the index
            exact = store.term_frequencies(self.project, others) if others else {}
            for w in others:
                self._df[w], self._cap[w] = exact.get(w, 0), _EXACT
            self._count([w for w in new if w.isalnum()], COUNT_CAPS[0])
        while True:
            chosen, undecided = self._choose(words)
            if not undecided:
                return chosen
            cap = min(c for c in (*COUNT_CAPS, _EXACT) if c > min(self._cap[w] for w in undecided))
            self._count([w for w in undecided if self._cap[w] < cap], cap)

    def _count(self, words: list[str], cap: int) -> None:
        if cap == _EXACT:
            found = store.term_frequencies(self.project, words)
        else:
            found = store.term_frequencies_capped(self.project, words, cap)
        for w in words:
            self._df[w], self._cap[w] = found.get(w, 0), cap

    def _choose(self, words: list[str]) -> tuple[list[str], list[str]]:
        """The chosen words, or the words whose counts must go past their cap first."""
        present = [w for w in words if self._df[w]]
        at_cap = [w for w in present if self._df[w] >= self._cap[w]]   # lower bounds
        low = min((self._df[w] for w in at_cap), default=_EXACT)
        known = sorted((w for w in present if self._df[w] < low and w not in at_cap),
                       key=lambda w: self._df[w])
        chosen: list[str] = []
        postings = 0
        for i in range(QUERY_TERMS):
            if i < len(known):
                postings += self._df[known[i]]
                if len(chosen) >= 2 and postings > POSTINGS_BUDGET:
                    break
                chosen.append(known[i])
            elif len(known) == len(present):
                break                                   # every word taken
            elif len(chosen) >= 2 and postings + low > POSTINGS_BUDGET:
                break                                   # the next word has ``low`` or more
            else:
                return [], at_cap
        return chosen, []

    def lookup(self, queries: Sequence[Query], *, min_score: int = DEFAULT_MIN_SCORE,
               limit: int = DEFAULT_MATCHES_SHOWN) -> list[list[Match]]:
        """The best matches of each query, best first (see :func:`best_matches`).

        Candidates: the units of the same source hash, then (unless ``limit`` matches
        of 100% are found there) the :data:`FUZZY_CANDIDATES` units the word index
        ranks first for the query's rarest words; from :data:`BATCH_QUERIES` queries
        on, that ranking is computed for all of them at once (:meth:`_ranked_batch`).
        At most :data:`MAX_CANDIDATES` of them are scored."""
        hashes = [source_hash(q.text) for q in queries]
        family = MAX_CANDIDATES - FUZZY_CANDIDATES
        by_hash, crowded = store.units_by_hash(self.project, self.src, self.tgt, hashes, family)
        units = [{u.id: u for u in (
            store.family_units(self.project, self.src, self.tgt, h, q.text, q.context_before,
                               q.context_after, q.segment_id, family)
            if h in crowded else by_hash.get(h, []))} for q, h in zip(queries, hashes)]
        found = [best_matches(self.scorer, q, us.values(), min_score=min_score, limit=limit)
                 for q, us in zip(queries, units)]
        fuzzy = [i for i, f in enumerate(found)
                 if min_score < 100 and not (f and f[0].score == 100 and len(f) >= limit)]
        ranked = (self._ranked_batch([queries[i].text for i in fuzzy], min_score)
                  if len(fuzzy) >= BATCH_QUERIES else
                  (store.fuzzy_candidates(self.project, self.src, self.tgt,
                                          self._terms(queries[i].text), FUZZY_CANDIDATES)
                   for i in fuzzy))
        for i, candidates in zip(fuzzy, ranked):
            for u in candidates:
                if len(units[i]) >= MAX_CANDIDATES:
                    break
                units[i].setdefault(u.id, u)
            found[i] = best_matches(self.scorer, queries[i], units[i].values(),
                                    min_score=min_score, limit=limit)
        return [[self._normalised(m) for m in f] for f in found]

    def _ranked_batch(self, texts: Sequence[str], min_score: int
                      ) -> Iterator[list[MemoryUnit]]:
        """For each of ``texts``, the units :func:`store.fuzzy_candidates` finds that can
        reach ``min_score`` (:meth:`Scorer.could_reach`), in order: the same words
        asked, FTS5's ranking computed by :mod:`workbench.memory.rank` from postings
        read once per word (ties with the last one taken are kept), the words counted
        exactly for a whole chunk at once (the same choice as the capped counts).

        A word whose postings do not number what the index counted for it (a word the
        index tokenises otherwise) sends its texts to the single query."""
        from workbench.memory import rank  # numpy: only for batches

        signature = _signature(self.project)
        if self._stats is None or self._stats[0] != signature:  # read again once it changed
            self._stats = signature, rank.IndexStats.of(*store.word_index_sizes(self.project))
        stats = self._stats[1]
        id_type = "int32" if len(stats.sizes) <= 2**31 else "int64"
        weights: dict[str, tuple[Any, Any] | None] = {}
        for start in range(0, len(texts), BATCH_CHUNK):
            chunk = texts[start:start + BATCH_CHUNK]
            self._count(list({w for t in chunk for w in _words(t)
                              if self._cap.get(w, 0) != _EXACT}), _EXACT)
            terms = [self._terms(t) for t in chunk]
            if sum(len(v[0]) for v in weights.values() if v) > BATCH_POSTINGS:
                weights.clear()
            new = {w for ts in terms for w in ts if w not in weights}
            for w, (ids, freq) in store.word_postings(self.project, sorted(new)).items():
                counted, cap = self._df.get(w, 0), self._cap.get(w, _EXACT)
                same = len(ids) == counted if counted < cap else len(ids) >= counted
                weights[w] = (ids.astype(id_type), rank.term_weights(ids, freq, stats)
                              ) if same else None
            ranked = [None if any(weights[w] is None for w in ts) else
                      rank.best_ranked([weights[w] for w in ts],  # type: ignore[misc]
                                       FUZZY_CANDIDATES)[:MAX_CANDIDATES]
                      for ts in terms]
            sources = store.sources_by_ids(self.project, self.src, self.tgt,
                                           (i for ids in ranked if ids for i in ids))
            kept = [None if ids is None else
                    [i for i in ids if i in sources
                     and self.scorer.source_could_reach(text, sources[i], min_score)]
                    for text, ids in zip(chunk, ranked)]
            units = store.units_by_ids(self.project, self.src, self.tgt,
                                       (i for ids in kept if ids for i in ids))
            for ts, ids in zip(terms, kept):
                if ids is None:
                    yield store.fuzzy_candidates(self.project, self.src, self.tgt, ts,
                                                 FUZZY_CANDIDATES)
                else:
                    yield [units[i] for i in ids]

    def _normalised(self, match: Match) -> Match:
        if self.glossary is None:
            return match
        from dataclasses import replace

        target = self.glossary.apply(match.target, self.tgt)
        return match if target == match.target else replace(match, target=target)


def _signature(project: Project) -> tuple[int, int]:
    """Changes whenever the project's database does (by this connection or another one)."""
    return project.data_signature()


def _words(text: str) -> list[str]:
    """The words of ``text`` the word index can be asked for (distinct, no numbers)."""
    return list(dict.fromkeys(w for w in _FTS_WORD.findall(text.lower()) if not w.isdigit()))


def segment_query(text: str, context_before: str | None = None,
                  context_after: str | None = None, segment_id: int | None = None) -> Query:
    """A project segment as a memory query: its text without inline-code placeholders,
    since the memory holds text (:func:`new_unit`); a tagged segment matches as its words
    do, wherever it is looked up (Review page, exports, pre-translation, analysis)."""
    from workbench.io.inline import plain

    return Query(plain(text), context_before, context_after, segment_id)


def lookup(project: Project, texts: Sequence[str], src: str, tgt: str, *,
           min_score: int = DEFAULT_MIN_SCORE, limit: int = DEFAULT_MATCHES_SHOWN,
           glossary: Any | None = None) -> list[list[Match]]:
    """Matches for free texts (``tm lookup``): a list per text, best first."""
    _check_min(min_score)
    index = MemoryIndex(project, src.lower(), tgt.lower(), glossary=glossary)
    return index.lookup([Query(t) for t in texts], min_score=min_score, limit=limit)


def matches_for_segment(project: Project, segment_id: int, target_lang: str, *,
                        limit: int = DEFAULT_MATCHES_SHOWN, min_score: int = DEFAULT_MIN_SCORE,
                        glossary: Any | None = None) -> list[Match]:
    """Up to ``limit`` memory matches for a project segment, best first, with its
    neighbours as context; the segment's own approved review is not proposed.
    For the Review page (``Match.label``, ``.origin``, ``.target``; highlight with
    :func:`workbench.memory.match.source_diff`)."""
    ref = project.segment(segment_id)  # its document's contexts, not the whole project's
    ctx = store.segment_contexts(project, [ref.document_id if ref else -1])
    row = ctx.filter(ctx["segment_id"] == segment_id)
    if row.is_empty():
        raise NotFoundError(f"no translatable segment with id {segment_id} in a current document")
    r = row.row(0, named=True)
    index = MemoryIndex(project, r["source_lang"], target_lang, glossary=glossary)
    query = segment_query(r["text"], r["context_before"], r["context_after"], segment_id)
    return index.lookup([query], min_score=min_score, limit=limit)[0]


def document_matches(project: Project, document_id: int, target_lang: str, *,
                     limit: int = DEFAULT_MATCHES_SHOWN, min_score: int = DEFAULT_MIN_SCORE,
                     glossary: Any | None = None) -> dict[int, list[Match]]:
    """Memory matches of every translatable segment of one document, best first, by
    segment id, in one batched lookup (for exports that carry suggestions). The memory is
    read as it is (``export_project`` syncs the approved reviews into it first, before its
    cursor opens); a segment's own review is not proposed."""
    ctx = store.segment_contexts(project, [document_id])
    if ctx.is_empty():
        return {}
    index = MemoryIndex(project, ctx["source_lang"][0], target_lang, glossary=glossary,
                        sync=False)
    queries = [segment_query(r["text"], r["context_before"], r["context_after"], r["segment_id"])
               for r in ctx.iter_rows(named=True)]
    found = index.lookup(queries, min_score=min_score, limit=limit)
    return {q.segment_id: m for q, m in zip(queries, found) if m}


def _check_min(min_score: int) -> None:
    if not 0 <= min_score <= 100:
        raise InputError(f"a match threshold is a percentage from 0 to 100, not {min_score}")


# -- pre-translation ---------------------------------------------------------------------


@dataclass
class Prefill:
    """Segments of one pair filled from the memory by :func:`pretranslate`."""

    filled: int = 0
    context: int = 0
    exact: int = 0
    fuzzy: int = 0
    already: int = 0


def pretranslate(project: Project, src: str, tgt: str, segments: Sequence[tuple[int, str]], *,
                 min_score: int = PRETRANSLATE_MIN_SCORE, glossary: Any | None = None,
                 document_ids: Sequence[int] | None = None) -> tuple[set[int], Prefill]:
    """Fill ``segments`` (``(id, text)``) that have a context or 100% match (or one at
    or above ``min_score``) from the memory before machine translation.
    ``document_ids``: the documents of ``segments`` when known (one page of an
    archive); only their segments' contexts are read.

    The fill is stored as a translation of engine ``tm`` whose model is its label
    (``TM context``, ``TM 100%``, ``TM 87%``) and whose meta holds the origin; the
    review text follows it like a machine translation. The memory holds text without
    tags: a segment's inline codes are placed into the fill (meta ``codes_placed``, see
    :func:`workbench.inline_mt.place`). Returns the segments that now come from the
    memory (filled now or on an earlier run) and the counts."""
    _check_min(min_score)
    report = Prefill()
    done = store.filled_segments(project, tgt)
    todo = [(sid, text) for sid, text in segments if sid not in done]
    report.already = len(segments) - len(todo)
    if not todo:
        return {sid for sid, _ in segments if sid in done}, report
    index = MemoryIndex(project, src, tgt, glossary=glossary)
    if store.count_units(project) == 0:
        return {sid for sid, _ in segments if sid in done}, report
    ctx = store.segment_contexts(project, document_ids or None)
    around = {r[0]: (r[1], r[2]) for r in ctx.select("segment_id", "context_before",
                                                     "context_after").iter_rows()}
    from workbench.inline_mt import place
    from workbench.io.inline import has_codes

    # looked up without tags (segment_query), the segment's tags placed in the fill
    queries = [segment_query(text, *around.get(sid, (None, None)), segment_id=sid)
               for sid, text in todo]
    rows: list[tuple[int, str, str, dict]] = []
    for (sid, text), found in zip(todo, index.lookup(queries, min_score=min_score, limit=1)):
        if not found:
            continue
        m = found[0]
        meta = {"tm": m.kind, "score": m.score, "origin": m.unit.origin,
                "origin_ref": m.unit.origin_ref, "author": m.unit.author, "unit_id": m.unit.id,
                "memory_source": m.source, "replaced": [list(p) for p in m.replaced]}
        target = m.target
        if has_codes(text):  # the memory holds text: the segment's tags are placed in it
            target, meta["codes_placed"] = place(text, m.target)
        rows.append((sid, target, m.label, meta))
        setattr(report, m.kind, getattr(report, m.kind) + 1)
    for start in range(0, len(rows), 500):
        store.save_fills(project, tgt, rows[start:start + 500])
    report.filled = len(rows)
    return done | {r[0] for r in rows}, report


# -- repetitions -------------------------------------------------------------------------


def apply_to_repetitions(project: Project, segment_id: int, target_lang: str, *,
                         author: str = "", status: str = "approved") -> list[int]:
    """Give the final text of ``segment_id`` to every other segment of the project
    (other documents included) with the same source text that is not reviewed yet
    (``todo``); one transaction, with edit history (author ``author``, or
    ``repetition of #id``). Returns the segments changed."""
    text, _ = store.review_state(project, segment_id, target_lang)
    rows = pending_repetitions(project, segment_id, target_lang)
    targets = [(r["segment_id"], r["version"]) for r in rows.iter_rows(named=True)]
    return store.apply_text(project, target_lang, text, status,
                            author or f"repetition of #{segment_id}", targets)


def pending_repetitions(project: Project, segment_id: int, target_lang: str) -> Any:
    """The segments :func:`apply_to_repetitions` would change now (a polars frame:
    ``segment_id, document_id, document, version, status``), so the Review page can
    offer it with a count."""
    return store.repetition_targets(project, segment_id, target_lang)


def repetitions(project: Project, document_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Segments that repeat an earlier one (same source text and language, in document
    order over the current documents): ``segment id -> id of the first occurrence``.
    The Review page hides these when asked."""
    first: dict[tuple[str, str], int] = {}
    out: dict[int, int] = {}
    for r in store.segment_contexts(project, document_ids).iter_rows(named=True):
        key = (r["source_lang"], normalise(r["text"]))
        if key in first:
            out[r["segment_id"]] = first[key]
        else:
            first[key] = r["segment_id"]
    return out


# -- leverage analysis ---------------------------------------------------------------------


BAND_NAMES: tuple[str, ...] = (*(name for name, _ in BANDS), NO_MATCH, REPETITIONS)


@dataclass
class Leverage:
    """Words and segments per band for one document (or the project total)."""

    document: str
    document_id: int | None
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BAND_NAMES, 0))
    segments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BAND_NAMES, 0))

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "document_id": self.document_id,
                "words": dict(self.words), "segments": dict(self.segments),
                "total_words": self.total_words}


def analyse(project: Project, target_lang: str, *, document_ids: Sequence[int] | None = None,
            glossary: Any | None = None) -> list[Leverage]:
    """The leverage report, as CAT tools analyse a job: for each document, the words
    whose best memory match falls in each band (context, 100%, 95-99%, 85-94%,
    75-84%, 50-74%, no match), and repetitions (a source already seen earlier in
    the analysed documents counts as a repetition, not again in a band). The
    last row is the total. A segment's own approved review does not count."""
    ctx = store.segment_contexts(project, document_ids)
    total = Leverage("total", None)
    per_doc: dict[int, Leverage] = {}
    seen: set[tuple[str, str]] = set()
    todo: dict[str, list[tuple[dict, Query]]] = {}
    for r in ctx.iter_rows(named=True):
        if r["source_lang"] == target_lang:  # another direction (an imported memory, say)
            continue
        doc = per_doc.setdefault(r["document_id"], Leverage(r["document"], r["document_id"]))
        key = (r["source_lang"], normalise(r["text"]))
        if key in seen:
            _count(doc, total, REPETITIONS, word_count(r["text"]))
            continue
        seen.add(key)
        todo.setdefault(r["source_lang"], []).append(
            (r, segment_query(r["text"], r["context_before"], r["context_after"],
                              r["segment_id"])))
    synced = False
    for src, items in todo.items():
        index = MemoryIndex(project, src, target_lang, glossary=glossary, sync=not synced)
        synced = True
        found = index.lookup([q for _, q in items], min_score=ANALYSIS_MIN_SCORE, limit=1)
        for (r, _), matches in zip(items, found):
            _count(per_doc[r["document_id"]], total, band(matches[0] if matches else None),
                   word_count(r["text"]))
    return [*per_doc.values(), total]


def _count(doc: Leverage, total: Leverage, name: str, words: int) -> None:
    for lev in (doc, total):
        lev.words[name] += words
        lev.segments[name] += 1


def memory_stats(project: Project) -> Any:
    """Units per language pair, origin and reference, with the newest date (a polars
    frame); approved reviews are synced first."""
    sync_reviews(project)
    return store.stats(project)


# -- export ----------------------------------------------------------------------------------


def export_memory(project: Project, fmt_name: str, out: Path, *, src: str | None = None,
                  tgt: str | None = None) -> int:
    """Write the memory (of one pair when given) to ``out`` in a format of
    :data:`workbench.io.FORMATS`; returns the number of units written."""
    from workbench.io import Target, Unit, WriteOptions, get_format

    fmt = get_format(fmt_name)
    sync_reviews(project)
    pairs = store.stats(project)
    if src:
        pairs = pairs.filter(pairs["source_lang"] == src)
    if tgt:
        pairs = pairs.filter(pairs["target_lang"] == tgt)
    if pairs.is_empty():
        raise InputError("the memory is empty" + (f" for {src or '*'}→{tgt or '*'}"
                                                  if src or tgt else ""))
    sources = sorted(set(pairs["source_lang"].to_list()))
    targets = tuple(sorted(set(pairs["target_lang"].to_list())))
    if not fmt.multi_target and len(targets) > 1:
        raise InputError(f"{fmt.name} holds one target language; choose one with --to "
                         f"({', '.join(targets)})")
    units = (Unit(source=u.source, source_lang=u.source_lang,
                  targets=(Target(lang=u.target_lang, text=u.target, status="approved"),),
                  document=f"{u.origin}:{u.origin_ref}" if u.origin_ref else u.origin)
             for u in store.iter_units(project, src, tgt))
    options = WriteOptions(source_lang=sources[0] if len(sources) == 1 else "*all*",
                           target_langs=targets)
    return fmt.write(units, Path(out), options).units
