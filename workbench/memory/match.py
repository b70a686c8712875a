"""Fuzzy matching against the translation memory: pure functions over dataclasses.

The score is the one reviewers know from OmegaT and MateCat: a percentage from
the word-level edit distance between the normalised query and the memory
unit's source, with light penalties for differences that do not change the
words (case, punctuation, whitespace) and for placeables.

*Placeables* are numbers and glossary names. In the word comparison each one
stands for its kind (a number, or the glossary concept), so a unit that
differs from the query only by a number or a name still scores close to 100;
its target is then proposed with the number or name replaced (``le 13
septembre`` → ``on September 13`` becomes ``on September 14`` for ``le 14
septembre``). A placeable the target does not contain cannot be replaced: the
match stays, with a bigger penalty, and says so.

A score of 100 needs the same text (numbers and names included); ``context``
is a 100 whose unit was stored with the same neighbouring segments, and ranks
above a plain 100. Every constant of the scoring lives here.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein

#: Matches under this percentage are not shown (``--min``).
DEFAULT_MIN_SCORE = 70
#: Pre-translation takes only 100% and context matches unless told otherwise.
PRETRANSLATE_MIN_SCORE = 100
#: Matches shown beside a segment in the review app.
DEFAULT_MATCHES_SHOWN = 3
#: Penalty points for differences that do not change the words.
CASE_PENALTY = 1          # per word differing only in case (at most CASE_PENALTY_MAX)
CASE_PENALTY_MAX = 2
PUNCT_PENALTY = 1         # per punctuation mark added, removed or changed (at most PUNCT_PENALTY_MAX)
PUNCT_PENALTY_MAX = 3
WHITESPACE_PENALTY = 1    # the texts differ only in spacing
PLACEABLE_PENALTY = 1     # per number or name replaced in the target
UNREPLACED_PENALTY = 5    # per differing number or name the target does not contain
#: Leverage bands (lowest score of each), best first; under the last one: no match.
BANDS: tuple[tuple[str, int], ...] = (
    ("context", 101), ("100%", 100), ("95-99%", 95), ("85-94%", 85), ("75-84%", 75),
    ("50-74%", 50),
)
NO_MATCH = "no match"
REPETITIONS = "repetitions"
#: The lowest score the leverage report looks for.
ANALYSIS_MIN_SCORE = BANDS[-1][1]

MatchKind = Literal["context", "exact", "fuzzy"]

_TOKEN = re.compile(r"(?P<num>\d+(?:[.,:]\d+)*)|(?P<word>\w+['’]?)|(?P<punct>[^\w\s])")
_APOS = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-",
                       "—": "-", "\u00a0": " ", "\u202f": " "})
NUMBER = "\x00num"
NAME = "\x00name"


@dataclass(frozen=True, slots=True)
class Token:
    """A word, number or punctuation mark of a text; ``key`` is what the edit distance
    compares (case-folded word, or the placeable's kind)."""

    text: str
    kind: Literal["word", "num", "name", "punct"]
    key: str
    start: int
    end: int
    concept: str = ""


def normalise(text: str) -> str:
    """NFC, typographic quotes and dashes made plain, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_APOS).split())


def tokens(text: str, names: Sequence[tuple[int, int, str]] = ()) -> list[Token]:
    """The tokens of ``text``; ``names`` are glossary mentions ``(start, end, concept)``
    in ``text``, each becoming one ``name`` token."""
    out: list[Token] = []
    spans = sorted(names)
    i = 0
    for m in _TOKEN.finditer(text):
        while i < len(spans) and spans[i][1] <= m.start():
            i += 1
        if i < len(spans) and spans[i][0] <= m.start() < spans[i][1]:
            start, end, concept = spans[i]
            if not out or out[-1].start != start:
                out.append(Token(text[start:end], "name", NAME, start, end, concept))
            continue
        kind = m.lastgroup or "word"
        word = m.group()
        key = NUMBER if kind == "num" else unicodedata.normalize("NFC", word).translate(_APOS).casefold()
        out.append(Token(word, kind, key, m.start(), m.end()))  # type: ignore[arg-type]
    return out


#: :data:`_TOKEN` without its punctuation branch: the same words and numbers at the same
#: places (a punctuation mark is one character that neither other branch can start with).
_KEY_TOKEN = re.compile(r"(\d+(?:[.,:]\d+)*)|(\w+['’]?)")
_WORD_KEYS: dict[str, str] = {}


def _word_key(word: str) -> str:
    """``Token.key`` of a word, memoised (the vocabulary of a memory is small)."""
    key = _WORD_KEYS.get(word)
    if key is None:
        key = (word.lower() if word.isascii()  # ASCII: casefold is lower, _APOS changes nothing
               else unicodedata.normalize("NFC", word).translate(_APOS).casefold())
        if len(_WORD_KEYS) > 100_000:
            _WORD_KEYS.clear()
        _WORD_KEYS[word] = key
    return key


def _is_nfc(text: str) -> bool:
    return text.isascii() or unicodedata.is_normalized("NFC", text)


def word_keys(text: str) -> list[str]:
    """The case-folded words of ``text`` with numbers as one placeable key (no names):
    the same list for texts that differ only in case, punctuation, spacing or numbers.
    Equal to the keys of the non-punctuation :func:`tokens` (without building them)."""
    get = _WORD_KEYS.get
    return [NUMBER if num else (get(word) or _word_key(word))
            for num, word in _KEY_TOKEN.findall(text)]


def source_hash(text: str) -> int:
    """A 63-bit hash of :func:`word_keys`: the memory's index for exact and
    number-only differences (equal hashes are then scored like any candidate)."""
    digest = hashlib.blake2b("\x01".join(word_keys(text)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def index_terms(text: str) -> list[str]:
    """The words the candidate index is queried with (distinct, no numbers, no punctuation)."""
    return list(dict.fromkeys(t.key for t in tokens(text) if t.kind == "word"))


@dataclass(frozen=True, slots=True)
class MemoryUnit:
    """One memory unit as the matcher sees it (a row of the project's memory)."""

    id: int
    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str
    origin_ref: str = ""
    author: str = ""
    created_at: str = ""
    context_before: str | None = None
    context_after: str | None = None
    segment_id: int | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """A segment to match: its text and, for context matches, its neighbours."""

    text: str
    context_before: str | None = None
    context_after: str | None = None
    segment_id: int | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A memory unit proposed for a query: score, kind, the target to use (placeables
    replaced) and where the unit came from."""

    score: int
    kind: MatchKind
    source: str
    target: str
    unit: MemoryUnit
    replaced: tuple[tuple[str, str], ...] = ()
    unreplaced: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        """``review``, ``file`` or ``alignment``, with its reference (``file:x.tmx``)."""
        u = self.unit
        return f"{u.origin}:{u.origin_ref}" if u.origin_ref else u.origin

    @property
    def label(self) -> str:
        """``TM context``, ``TM 100%`` or ``TM 87%``, as segments filled from it are marked."""
        return "TM context" if self.kind == "context" else f"TM {self.score}%"

    @property
    def rank(self) -> tuple[int, int, str, int]:
        return (self.score + (1 if self.kind == "context" else 0), len(self.replaced) == 0,
                self.unit.created_at, self.unit.id)

    def as_dict(self) -> dict[str, Any]:
        u = self.unit
        return {"score": self.score, "kind": self.kind, "source": self.source,
                "target": self.target, "origin": u.origin, "origin_ref": u.origin_ref,
                "author": u.author, "created_at": u.created_at, "unit_id": u.id,
                "replaced": [list(p) for p in self.replaced],
                "unreplaced": list(self.unreplaced)}


@dataclass
class Scorer:
    """Scores queries against units; ``glossary`` (a :class:`~workbench.glossary.model.Glossary`)
    makes names placeables, ``src``/``tgt`` are the language pair."""

    src: str
    tgt: str
    glossary: Any | None = None
    _cache: dict[str, list[Token]] = field(default_factory=dict, repr=False)
    _key_cache: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def tokens(self, text: str) -> list[Token]:
        toks = self._cache.get(text)
        if toks is None:
            names: list[tuple[int, int, str]] = []
            if self.glossary is not None:
                names = [(m.start, m.end, m.concept) for m in self.glossary.find(text, self.tgt)]
            toks = tokens(text, names)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[text] = toks
        return toks

    def _keys(self, text: str) -> list[str]:
        keys = self._key_cache.get(text)
        if keys is None:
            keys = word_keys(text)
            if len(self._key_cache) > 50_000:
                self._key_cache.clear()
            self._key_cache[text] = keys
        return keys

    def could_reach(self, query: Query, unit: MemoryUnit, score: float) -> bool:
        """False only when :meth:`match` would score ``unit`` under ``score``: its word
        score before penalties (the ceiling of every score but 100, which needs the
        same normalised text) is under it. Cheap (no tokens built), so candidates
        are filtered before scoring; always True with a glossary (names change the
        words compared)."""
        return self.source_could_reach(query.text, unit.source, score)

    def source_could_reach(self, text: str, source: str, score: float) -> bool:
        """:meth:`could_reach` for a unit of source ``source`` and a query ``text``."""
        if self.glossary is not None or score <= 0:
            return True
        qk, uk = self._keys(text), self._keys(source)
        longest = max(len(qk), len(uk))
        if longest == 0:
            return True
        base = 100.0 * (1 - Levenshtein.distance(qk, uk) / longest)
        if base >= score:
            return True
        # the same normalised text scores 100; for NFC texts it also means the same
        # words (normalising only maps quotes, dashes and spaces, which no key holds)
        if _is_nfc(text) and _is_nfc(source):
            return False
        return normalise(text) == normalise(source)

    def match(self, query: Query, unit: MemoryUnit) -> Match:
        """Score ``unit`` for ``query`` and build the target to propose."""
        q_all, u_all = self.tokens(query.text), self.tokens(unit.source)
        q = [t for t in q_all if t.kind != "punct"]
        u = [t for t in u_all if t.kind != "punct"]
        qk, uk = [t.key for t in q], [t.key for t in u]
        longest = max(len(qk), len(uk))
        if longest == 0:
            base = 100.0 if query.text.strip() == unit.source.strip() else 0.0
        else:
            base = 100.0 * (1 - Levenshtein.distance(qk, uk) / longest)
        penalty = 0
        # case: words equal once case-folded but written differently
        case_diffs = 0
        pairs: list[tuple[Token, Token]] = []
        for op in Levenshtein.opcodes(qk, uk):
            if op.tag != "equal":
                continue
            for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end)):
                pairs.append((q[i], u[j]))
                if q[i].kind == "word" and q[i].text != u[j].text:
                    case_diffs += 1
        penalty += min(CASE_PENALTY_MAX, CASE_PENALTY * case_diffs)
        qp = [t.key for t in q_all if t.kind == "punct"]
        up = [t.key for t in u_all if t.kind == "punct"]
        penalty += min(PUNCT_PENALTY_MAX, PUNCT_PENALTY * Levenshtein.distance(qp, up))
        target, replaced, unreplaced = self._substitute(pairs, unit.target)
        penalty += PLACEABLE_PENALTY * len(replaced) + UNREPLACED_PENALTY * len(unreplaced)
        same_text = normalise(query.text) == normalise(unit.source)
        if same_text and query.text.strip() != unit.source.strip() and penalty == 0:
            penalty = WHITESPACE_PENALTY
        score = max(0, math.floor(base - penalty))
        if same_text and penalty == 0:
            score = 100
        else:
            score = min(score, 99)
        kind: MatchKind = "fuzzy"
        if score == 100:
            kind = "exact"
            if (query.context_before is not None and query.context_after is not None
                    and unit.context_before is not None and unit.context_after is not None
                    and normalise(query.context_before) == normalise(unit.context_before)
                    and normalise(query.context_after) == normalise(unit.context_after)):
                kind = "context"
        return Match(score, kind, unit.source, target, unit, tuple(replaced), tuple(unreplaced))

    def _substitute(self, pairs: list[tuple[Token, Token]], target: str
                    ) -> tuple[str, list[tuple[str, str]], list[str]]:
        """Replace, in ``target``, each placeable of the unit whose aligned query
        placeable differs; the rest is reported as unreplaced."""
        replaced: list[tuple[str, str]] = []
        unreplaced: list[str] = []
        for qt, ut in pairs:
            if qt.kind not in ("num", "name") or qt.text == ut.text or (
                    qt.kind == "name" and qt.concept == ut.concept):  # same name, other spelling
                continue
            if qt.kind == "num":
                new, done = _replace_number(target, ut.text, qt.text)
            else:
                new, done = self._replace_name(target, ut, qt)
            if done:
                target = new
                replaced.append((ut.text, qt.text))
            else:
                unreplaced.append(ut.text)
        return target, replaced, unreplaced

    def _replace_name(self, target: str, old: Token, new: Token) -> tuple[str, bool]:
        """Replace the target's mention of ``old``'s concept by the preferred target
        form of ``new``'s concept (the query's own spelling if it has none)."""
        if self.glossary is None:
            return target, False
        old_concept, new_concept = old.concept, new.concept
        hits = [m for m in self.glossary.find(target, self.tgt) if m.concept == old_concept]
        if not hits:
            return target, False
        concept = self.glossary.concepts.get(new_concept)
        pref = concept.preferred(self.tgt) if concept is not None else None
        form = pref.text if pref is not None else new.text
        for m in reversed(hits):
            target = target[:m.start] + form + target[m.end:]
        return target, True


def _replace_number(target: str, old: str, new: str) -> tuple[str, bool]:
    pattern = re.compile(rf"(?<![\d.,]){re.escape(old)}(?!\d|[.,]\d)")
    if not pattern.search(target):
        # "1.5" in French sources is often "1,5"; "2 000" / "2,000": try the digits alone
        return target, False
    return pattern.sub(new, target, count=1), True


def best_matches(scorer: Scorer, query: Query, units: Iterable[MemoryUnit], *,
                 min_score: int = DEFAULT_MIN_SCORE, limit: int = DEFAULT_MATCHES_SHOWN
                 ) -> list[Match]:
    """The best ``limit`` matches at or above ``min_score``, best first: context
    before 100%, then by score, then units needing no replacement, then the
    newest. Units of the query's own segment are left out, and of matches with
    the same target only the best is kept.

    Units that cannot reach the threshold are not scored (:meth:`Scorer.could_reach`);
    once ``limit`` targets are found, the threshold is the score of the last of
    them (a unit scoring less cannot enter the list nor replace a better match of
    its target), so the result is the one of scoring every unit."""
    found: dict[str, Match] = {}
    floor = min_score
    for unit in units:
        if query.segment_id is not None and unit.segment_id == query.segment_id:
            continue
        if not scorer.could_reach(query, unit, floor):
            continue
        m = scorer.match(query, unit)
        if m.score < min_score:
            continue
        prev = found.get(m.target)
        if prev is None or m.rank > prev.rank:
            found[m.target] = m
            if len(found) >= limit:
                floor = max(min_score, sorted((f.score for f in found.values()),
                                              reverse=True)[limit - 1])
    return sorted(found.values(), key=lambda m: m.rank, reverse=True)[:limit]


def band(match: Match | None) -> str:
    """The leverage band of a segment's best match."""
    if match is None:
        return NO_MATCH
    value = 101 if match.kind == "context" else match.score
    for name, low in BANDS:
        if value >= low:
            return name
    return NO_MATCH


def word_count(text: str) -> int:
    """Words of a segment as CAT tools count them (numbers count, punctuation does not)."""
    return len(word_keys(text))


def source_diff(query: str, source: str) -> list[tuple[str, str]]:
    """How a match's ``source`` differs from the ``query``, for highlighting:
    ``(op, text)`` pieces of the match source in order, ``op`` one of ``equal``,
    ``insert`` (in the match, not in the query), ``replace``, plus ``delete``
    pieces holding query text the match lacks."""
    a, b = tokens(query), tokens(source)
    ak = [t.text.casefold() for t in a]
    bk = [t.text.casefold() for t in b]
    out: list[tuple[str, str]] = []

    def text_of(toks: list[Token], i: int, j: int, whole: str) -> str:
        return whole[toks[i].start:toks[j - 1].end] if i < j else ""

    for op in Levenshtein.opcodes(ak, bk):
        src_piece = text_of(a, op.src_start, op.src_end, query)
        dst_piece = text_of(b, op.dest_start, op.dest_end, source)
        if op.tag == "equal":
            out.append(("equal", dst_piece))
        elif op.tag == "insert":
            out.append(("insert", dst_piece))
        elif op.tag == "delete":
            out.append(("delete", src_piece))
        else:
            out.append(("replace", dst_piece))
    return out


def unit_key(source_lang: str, target_lang: str, source: str, target: str,
             context_before: str | None, context_after: str | None, origin: str) -> str:
    """The identity of a memory unit: the same pair from the same kind of origin is
    stored once, so importing a file twice adds nothing."""
    raw = "\x1f".join((origin, source_lang, target_lang, source, target,
                       "" if context_before is None else "\x02" + context_before,
                       "" if context_after is None else "\x02" + context_after))
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
