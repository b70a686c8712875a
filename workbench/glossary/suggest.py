"""Variant discovery: words and phrases that look like a transliteration of a glossary form.

Each glossary form and each candidate span of the text (runs of one to a few
words) get a *transliteration key*: the matching key (case and accents
folded), then common transliteration pairs merged (``sch``/``sh``/``ch`` ->
``s``, ``tch``/``tsch`` -> ``c``, ``zh``/``dzh``/``dj``/``j``/``y`` -> ``i``,
``ou``/``oo`` -> ``u``, ``c``/``q``/``ck`` -> ``k``, ``w`` -> ``v``,
``ph`` -> ``f``, ``th`` -> ``t``, ``kh`` -> ``h``, ``gu`` before e/i -> ``g``,
final ``-ff`` -> ``v``), doubled letters collapsed and a final ``e`` dropped.
``Shoygou``, ``Schoigu`` and ``Choïgou`` all become ``soigu``; ``Pjöngjang``
and ``Pyongyang`` become ``piongiang``.

A span is suggested for a concept when the Levenshtein distance between its
key and a form's key is within a budget that grows with length (0 edits up
to 4 letters, 1 up to 7, 2 up to 11, then 3), so short names need an exact
key. To keep ordinary words out: a span may not start or end with a function word, and may not lie inside
(or partly overlap) a form the glossary already matches. Overlapping
suggestions keep the best score (the longer span on near-ties).

Real text is full of words *derived* from glossary names and of names next to
ordinary words, and neither is a new spelling:

* a one-word span that is a form's stem plus a derivational ending
  (:func:`derived_from`: ``Russian``/``russe``/``Russes`` from ``Russia``/``Russie``,
  ``ukrainien`` from ``Ukraine``, ``japonais`` from ``Japon``) is not a variant;
  a consonant-final name takes only endings of two letters or more, so
  ``Putine``, ``Bidenn`` and ``Prigozhine`` stay candidates;
* a span whose first or last word is written in lower case where the form's
  is capitalised (``Washington has`` against ``Washington Post``,
  ``Kremlin would``) is not a variant.

Score: ``0.8 * key similarity + 0.2 * similarity of the plain keys``, 0..1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from workbench.glossary.model import Glossary
from workbench.glossary.normalise import key

_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in (
    (r"ff\b", "v"), (r"tsch", "c"), (r"tch", "c"), (r"sch", "s"), (r"sh", "s"), (r"ch", "s"),
    (r"dzh", "i"), (r"dj", "i"), (r"zh", "i"), (r"[jy]", "i"),
    (r"kh", "h"), (r"ph", "f"), (r"th", "t"), (r"gu(?=[ei])", "g"), (r"qu", "k"), (r"ck", "k"),
    (r"[cq]", "k"), (r"x", "ks"), (r"ou|oo", "u"), (r"w", "v"),
    (r"(.)\1+", r"\1"), (r"(?<=\w\w\w)e\b", ""),
)]
_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_GAP = re.compile(r"[ \t\u00a0'’]{1,3}")
STOPWORDS = frozenset("""
le la les l un une des du de d et ou en au aux à a par pour sur dans avec sans sous que qui
ce cet cette ces son sa ses leur leurs il elle ils elles on nous vous se s n ne pas plus mais
selon depuis lors entre vers chez dont où est sont été être the of and or in on at to for by
with from that this these those an as is are was were be been it its he she they we you his
her their not but mr m mme
""".split())
#: Endings that turn a name into a demonym or adjective (on the plain key, accents folded):
#: English -an/-ian/-ese/-ish, French -ien(ne)/-ain(e)/-ais(e)/-ois(e)/-éen(ne), and plurals.
_DERIVED_ENDINGS = tuple(sorted({e + plural for e in (
    "an", "ian", "ean", "ese", "ish", "ien", "ienne", "ain", "aine", "ais", "aise", "ois", "oise",
    "een", "eenne", "ite", "ique", "ic", "e") for plural in ("", "s")}, key=len, reverse=True))
_VOWELS = "aeiouy"
#: Longest span tried, in words (forms are compared with spans of about their own length).
MAX_WORDS = 5


def translit_key(text: str) -> str:
    """Transliteration-aware key (see the module docstring); letters and digits only."""
    words = []
    for word in key(text).replace("'", " ").split():
        for pattern, repl in _RULES:
            word = pattern.sub(repl, word)
        words.append(word)
    return "".join(words)


def derived_from(word: str, form: str) -> bool:
    """Whether ``word`` is ``form`` (one word) with a derivational ending: a demonym or adjective.

    The stem is the form's plain key without its final vowels (``russia`` -> ``russ``,
    ``ukraine`` -> ``ukrain``); after a consonant-final form (``japon``, ``putin``) only
    endings of two letters or more count, so a doubled or added letter stays a variant.
    """
    w, f = key(word).replace(" ", ""), key(form).replace(" ", "")
    if len(f) < 3 or w == f:
        return False
    stem = f.rstrip(_VOWELS)
    if stem != f and len(stem) >= 3 and w.startswith(stem) and w[len(stem):] in _DERIVED_ENDINGS:
        return True
    rest = w[len(f):]
    return w.startswith(f) and len(rest) >= 2 and rest in _DERIVED_ENDINGS


def _case_clash(span_words: Sequence[str], form_words: Sequence[str]) -> bool:
    """A span's first or last word in lower case where the form's is capitalised."""
    return any(f[:1].isupper() and not w[:1].isupper()
               for w, f in ((span_words[0], form_words[0]), (span_words[-1], form_words[-1])))


def edit_budget(length: int) -> int:
    """How many edits a key of ``length`` letters may differ by and still be suggested."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


#: The header line of the suggestions TSV (``workbench glossary suggest`` / ``accept``).
SUGGESTION_HEADER = "line\tspan\tconcept\tscore"


@dataclass(frozen=True)
class Suggestion:
    """``span`` (as written, on 1-based ``line``, at ``start:end``) may be a variant of ``form``."""

    line: int
    start: int
    end: int
    span: str
    concept: str
    form: str
    score: float

    def tsv(self) -> str:
        """One row under :data:`SUGGESTION_HEADER`."""
        return f"{self.line}\t{self.span}\t{self.concept}\t{self.score:.3f}"


@dataclass(frozen=True)
class _Form:
    concept: str
    text: str
    tkey: str
    plain: str
    words: int
    word_list: tuple[str, ...]


class Suggester:
    """Compiled glossary forms for repeated :meth:`suggest_line` calls."""

    def __init__(self, glossary: Glossary, lang: str) -> None:
        self.glossary = glossary
        self.lang = lang
        self.forms: list[_Form] = []
        seen: set[tuple[str, str]] = set()
        for concept in glossary.concepts.values():
            if concept.preferred(lang) is None:
                continue
            for t in concept.terms:
                tkey = translit_key(t.text)
                if (concept.id, tkey) in seen or not tkey:
                    continue
                seen.add((concept.id, tkey))
                words = tuple(_WORD.findall(t.text)) or (t.text,)
                self.forms.append(_Form(concept.id, t.text, tkey, key(t.text).replace(" ", ""),
                                        len(words), words))

    def suggest_line(self, text: str, line_no: int = 1) -> list[Suggestion]:
        """Suggestions for one line (best per location)."""
        known = [(m.start, m.end) for m in self.glossary.find(text, self.lang)]
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        joins = [bool(_GAP.fullmatch(text[a[1]:b[0]])) for a, b in zip(words, words[1:])]
        found: list[Suggestion] = []
        for i in range(len(words)):
            for n in range(1, MAX_WORDS + 1):
                if i + n > len(words) or (n > 1 and not joins[i + n - 2]):
                    break  # a span does not cross punctuation
                s, e = words[i][0], words[i + n - 1][1]
                if any(ks < e and s < ke and not (s <= ks and ke <= e and (s, e) != (ks, ke))
                       for ks, ke in known):
                    continue  # a known form, or inside or across one
                span = text[s:e]
                first, last = text[words[i][0]:words[i][1]], text[words[i + n - 1][0]:words[i + n - 1][1]]
                if key(first) in STOPWORDS or key(last) in STOPWORDS:
                    continue
                best = self._best(span, [text[a:b] for a, b in words[i:i + n]])
                if best is not None:
                    form, score = best
                    found.append(Suggestion(line_no, s, e, span, form.concept, form.text, score))
        return _resolve(found)

    def _best(self, span: str, span_words: list[str]) -> tuple[_Form, float] | None:
        tkey = translit_key(span)
        if len(tkey) < 3:
            return None
        plain = key(span).replace(" ", "")
        n_words = len(span_words)
        best: tuple[_Form, float] | None = None
        for form in self.forms:
            if n_words == 1 and form.words == 1 and derived_from(span, form.text):
                return None  # a demonym or adjective of a known name, not a spelling of it
            if abs(form.words - n_words) > 1 or _case_clash(span_words, form.word_list):
                continue
            budget = edit_budget(len(form.tkey))
            if abs(len(form.tkey) - len(tkey)) > budget or plain == form.plain:
                continue
            dist = Levenshtein.distance(tkey, form.tkey, score_cutoff=budget)
            if dist > budget:
                continue
            score = 0.8 * (1 - dist / max(len(tkey), len(form.tkey))) + \
                0.2 * Levenshtein.normalized_similarity(plain, form.plain)
            if best is None or score > best[1]:
                best = (form, round(score, 3))
        return best


def _resolve(found: list[Suggestion]) -> list[Suggestion]:
    """Among overlapping suggestions keep the best score; on near-ties (< 0.02) the longer span."""
    chosen: list[Suggestion] = []
    for s in sorted(found, key=lambda x: (-x.score, -(x.end - x.start))):
        clash = [c for c in chosen if c.start < s.end and s.start < c.end]
        if not clash:
            chosen.append(s)
        elif all(c.score - s.score < 0.02 and (s.end - s.start) > (c.end - c.start)
                 and s.start <= c.start and c.end <= s.end for c in clash):
            chosen = [c for c in chosen if c not in clash] + [s]
    return sorted(chosen, key=lambda x: x.start)


def suggest(glossary: Glossary, lines: Iterable[str], lang: str) -> list[Suggestion]:
    """All suggestions for ``lines`` of ``lang`` text, best first (then by line)."""
    suggester = Suggester(glossary, lang)
    out: list[Suggestion] = []
    for no, text in enumerate(lines, 1):
        out.extend(suggester.suggest_line(text, no))
    return sorted(out, key=lambda s: (-s.score, s.line, s.start))


def accept(glossary: Glossary, suggestions: Sequence[tuple[str, str]], lang: str,
           note: str = "accepted suggestion") -> Glossary:
    """A new glossary with each ``(span, concept)`` added as a ``lang`` variant.

    Spans whose key already belongs to the concept are skipped (not duplicated).
    """
    additions: list[tuple[str, str, str]] = []
    for span, concept in suggestions:
        c = glossary.concepts.get(concept)
        if c is not None and any(key(t.text) == key(span) for t in c.terms):
            continue
        if (concept, lang, span) not in additions:
            additions.append((concept, lang, span))
    return glossary.with_variants(additions, note=note)
