"""Bilingual dictionaries as alignment evidence (FreeDict dictd files, as Debian ships them).

Where no machine translation exists for a pair, a dictionary still says which
words of a source sentence may be translated by which words of a target
sentence. This module

* reads FreeDict's dictd files (``freedict-deu-fra.index`` + ``.dict.dz``, the
  ``dict-freedict-*`` Debian packages) into clean entries: headword and its
  translations, without pronunciations, grammar marks, definitions, examples and
  cross-references (:func:`parse_entry`, :func:`read_dictd`);
* builds a :class:`Lexicon` for one direction from both directions' dictionaries
  (``deu-fra`` read forwards, ``fra-deu`` inverted), keyed by Snowball stems so that
  inflected forms meet (*Gletschern* / *Gletscher*, *glaciers* / *glacier*), with
  multiword headwords kept and, when whole words fail, German participles looked up by
  their verbs, hyphenated words by their parts and German / Dutch compounds split;
* composes ``X→en`` with ``en→Y`` (else ``X→fr→Y``) when no direct dictionary exists,
  with a penalty (:func:`compose`);
* turns sentences into hashed vectors in the target language's stem space, so that
  the aligner's cosine measures the share of words with a translation on the other
  side, weighted by rarity (hunalign's dictionary score, in a form the banded
  products can assemble per bead) (:func:`lexical_vectors`).

The core (parsing, lexicon, composition, vectors) is pure; reading files, the cache
and the search of ``/usr/share/dictd`` are the edges (:func:`load_lexicon`).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.errors import UnsupportedLanguageError

#: Bump when parsing or lexicon building changes, so cached lexicons are rebuilt.
PARSER_VERSION = "3"
#: Where Debian's dictd packages put their files (``WORKBENCH_DICT_DIRS``, ``:``-separated,
#: replaces it).
DEFAULT_DIRS = ("/usr/share/dictd",)
#: Weight of pivot evidence (``X→en→Y``) relative to a direct dictionary.
PIVOT_PENALTY = 0.6
#: Pivot languages tried, in order, when a pair has no dictionary of its own: English
#: (FreeDict's best-covered language), then French (the one setup.sh installs for).
PIVOTS = ("en", "fr")
#: Headwords and translations longer than this many words are examples, not entries.
MAX_PHRASE = 4

#: ISO 639-1 ↔ the ISO 639-3 codes FreeDict names its dictionaries with.
ISO3 = {"fr": "fra", "en": "eng", "de": "deu", "es": "spa", "it": "ita", "nl": "nld",
        "pt": "por", "pl": "pol", "ru": "rus", "sv": "swe", "fi": "fin", "el": "ell",
        "da": "dan", "cs": "ces", "hu": "hun", "tr": "tur", "bg": "bul", "lt": "lit",
        "la": "lat", "ja": "jpn", "br": "bre", "wo": "wol", "ga": "gle", "ro": "ron"}
ISO1 = {v: k for k, v in ISO3.items()}
#: Snowball stemmer per language (snowballstemmer's algorithm names).
SNOWBALL = {"fr": "french", "en": "english", "de": "german", "es": "spanish", "it": "italian",
            "nl": "dutch", "pt": "portuguese", "pl": "polish", "ru": "russian",
            "sv": "swedish", "fi": "finnish", "el": "greek", "da": "danish", "hu": "hungarian",
            "tr": "turkish", "lt": "lithuanian", "ro": "romanian", "cs": "czech", "ga": "irish"}
#: Languages that write compounds as one word (split when the whole word is unknown).
COMPOUNDING = {"de", "nl", "sv", "da"}


# -- parsing (pure) ---------------------------------------------------------------

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_IPA = re.compile(r"\s/[^/\n]*/")
_MARKS = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_SENSE = re.compile(r"^\d+\.\s+(.*)$")
_TRAILING_SENSE = re.compile(r"\s+\d+\.\s*$")
_ASIDE = re.compile(r"^(see:|synonyms?:|antonyms?:|note:|[\"„“])", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:[-‐]\w+)*")


def b64_number(text: str) -> int:
    """A dictd index number (offset or length), written in base 64 ``A-Za-z0-9+/``."""
    n = 0
    for c in text:
        n = n * 64 + _B64[c]
    return n


def clean_term(text: str) -> str:
    """A headword or translation without grammar marks, notes and parentheses, in NFC
    lower case with single spaces (accents kept: *été* is not *ete*)."""
    text = _MARKS.sub(" ", unicodedata.normalize("NFC", text))
    text = text.replace("‐", "-").replace("’", "'")
    return " ".join(text.lower().split()).strip(" .,;:!?-…")


def parse_entry(text: str) -> tuple[str, list[str]] | None:
    """Headword and translations of one dictd entry of a FreeDict dictionary.

    The first line is the headword, followed by pronunciations (``/…/``) and grammar
    (``<n, masc>``). Then one line per sense: the first line, or lines numbered
    ``1.``, ``2.``, hold comma-separated translations; other unindented lines are
    definitions in the source language (WikDict) and indented lines are examples,
    synonyms and cross-references (``see: {…}``); both are dropped.
    """
    lines = text.split("\n")
    head = clean_term(_IPA.sub(" ", " " + lines[0]))
    if not head:
        return None
    out: list[str] = []
    first = True
    for line in lines[1:]:
        bare = line.strip()
        if not bare:
            continue
        if _ASIDE.match(bare) or (line[0].isspace() and not bare.startswith("[")):
            first = False  # cross-references, synonyms, examples (a "[note] word" line is not)
            continue
        line = bare
        m = _SENSE.match(line)
        if m:
            body = m.group(1)
        elif first:
            body = line
        else:
            continue
        first = False
        body = _TRAILING_SENSE.sub("", _IPA.sub(" ", " " + body))  # "neige 2.", "Mt /ɛmt/"
        for item in re.split(r"[,;]", _MARKS.sub(" ", body)):
            t = clean_term(item)
            if t and t not in out:
                out.append(t)
    return (head, out) if out else None


@dataclass(frozen=True)
class DictInfo:
    """One dictd dictionary found on disk."""

    name: str          # e.g. freedict-deu-fra
    src: str           # ISO 639-1, e.g. de
    tgt: str
    index: Path
    data: Path
    edition: str = ""

    @property
    def package(self) -> str:
        """The Debian package that ships it."""
        return "dict-" + self.name

    def stamp(self) -> str:
        """What the cache key depends on: edition, size and modification time of both files."""
        parts = [self.name, self.edition]
        for p in (self.index, self.data):
            st = p.stat()
            parts += [str(st.st_size), str(st.st_mtime_ns)]
        return "-".join(parts)


def read_dictd(index: Path, data: Path) -> tuple[list[tuple[str, list[str]]], str]:
    """Entries ``(headword, translations)`` of a dictd dictionary and its edition."""
    raw = gzip.open(data).read() if str(data).endswith(".dz") else Path(data).read_bytes()
    entries: list[tuple[str, list[str]]] = []
    seen: set[int] = set()
    edition = ""
    for line in Path(index).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        word, off, size = parts[0], b64_number(parts[1]), b64_number(parts[2])
        if word.startswith("00database") or word.startswith("00-database"):
            if word in ("00databaseinfo", "00databaseshort"):
                info = raw[off:off + size].decode("utf-8", "replace")
                m = re.search(r"Edition:\s*(\S+)", info) or re.search(r"ver\.\s*(\S+)", info)
                edition = edition or (m.group(1) if m else "")
            continue
        if off in seen:
            continue
        seen.add(off)
        parsed = parse_entry(raw[off:off + size].decode("utf-8", "replace"))
        if parsed is not None:
            entries.append(parsed)
    return entries, edition


# -- stems and compounds (pure) ------------------------------------------------------

@lru_cache(maxsize=None)
def _snowball(lang: str):
    name = SNOWBALL.get(lang)
    if name is None:
        return None
    import snowballstemmer

    return snowballstemmer.stemmer(name)


class Stemmer:
    """Lower-cased Snowball stems for one language (identity where Snowball has none),
    memoised per word."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._stem = _snowball(lang)
        self._memo: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        s = self._memo.get(word)
        if s is None:
            s = self._stem.stemWord(word) if self._stem is not None else word
            self._memo[word] = s
        return s

    def phrase(self, text: str) -> tuple[str, ...]:
        return tuple(self(w) for w in tokens(text))


@lru_cache(maxsize=64)
def get_stemmer(lang: str) -> Stemmer:
    """The shared (memoised) stemmer of ``lang``."""
    return Stemmer(lang)


def tokens(text: str) -> list[str]:
    """Lower-case NFC word tokens (hyphenated words kept whole)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


_LINKS = ("", "s", "es", "n", "en", "e")


def split_compound(word: str, known: Callable[[str], bool], min_part: int = 3,
                   depth: int = 2) -> list[str]:
    """Parts of a compound whose every part is ``known`` (the head, the last part,
    as long as possible; linking ``-s-``, ``-es-``, ``-n-``, ``-en-`` dropped), or []."""
    n = len(word)
    for cut in range(min_part, n - min_part + 1):
        head = word[cut:]
        if not known(head):
            continue
        left = word[:cut]
        for link in _LINKS:
            if link and not left.endswith(link):
                continue
            mod = left[: len(left) - len(link)] if link else left
            if len(mod) < min_part:
                continue
            if known(mod):
                return [mod, head]
            if depth > 1:
                sub = split_compound(mod, known, min_part, depth - 1)
                if sub:
                    return sub + [head]
    return []


#: German verb particles that take ``-ge-`` / ``-zu-`` after them (*aus·ge·geben*,
#: *hin·zu·weisen*); "" for verbs without one (*ge·sehen*).
_DE_PARTICLES = ("", "ab", "an", "auf", "aus", "bei", "dar", "durch", "ein", "empor", "fest",
                 "fort", "her", "herab", "heran", "herauf", "heraus", "herunter", "hin", "hinab",
                 "hinauf", "hinaus", "hinüber", "los", "mit", "nach", "nieder", "vor", "voran",
                 "voraus", "vorbei", "weg", "weiter", "wieder", "zu", "zurück", "zusammen")


def verb_forms(word: str, lang: str) -> list[str]:
    """Infinitives a German participle may come from, for forms Snowball leaves unknown
    (it strips endings, not the ``ge-`` inside a participle): *gesehen* → *sehen*,
    *ausgegeben* → *ausgeben*, *eingesetzt* → *einsetzen*, the ``zu``-infinitive
    *hinzuweisen* → *hinweisen*, and *publiziert* → *publizieren*. Only forms with such a
    marker: a bare ``-t`` or ``-te`` is as often a noun's end (*Welt*, *Seite*). Other
    languages: []."""
    if lang != "de" or len(word) < 5:
        return []
    out: list[str] = []
    for part in _DE_PARTICLES:
        if not word.startswith(part):
            continue
        rest = word[len(part):]
        for infix in ("ge", "zu"):
            if (not rest.startswith(infix) or len(rest) - len(infix) < 3
                    or (infix == "zu" and not part)):
                continue
            core = rest[len(infix):]
            if infix == "zu" or core.endswith("en"):
                out.append(part + core)                                    # hinzuweisen, gesehen
            elif core.endswith("t"):
                out += [part + core[:-1] + "en", part + core[:-1] + "n"]   # gesetzt, geändert
    if word.endswith("iert"):
        out.append(word[:-1] + "en")                                       # publiziert
    return [f for f in dict.fromkeys(out) if f != word]


def _parts_of(word: str, known: Callable[[str], bool], lang: str) -> list[str]:
    """Known forms of a word the lexicon lacks: the pieces of a hyphenated word
    (*Himalaya-Expedition*), each looked up whole, as a verb form
    (:func:`verb_forms`) or, in compounding languages, as a compound
    (:func:`split_compound`); [] when nothing is known."""
    pieces = [p for p in word.split("-") if p] if "-" in word else [word]
    out: list[str] = []
    for p in pieces:
        if len(pieces) > 1 and known(p):
            out.append(p)
            continue
        form = next((f for f in verb_forms(p, lang) if known(f)), None)
        if form is not None:
            out.append(form)
        elif lang in COMPOUNDING and len(p) >= 6:
            out += split_compound(p, known)
    return out


def word_handling(src: str, tgt: str) -> str:
    """How :func:`lexical_vectors` matches the words of ``src`` and ``tgt``, for the
    evidence line: ``de: stems, compounds, participles; fr: stems; hyphenated words by
    their parts; cognates and numbers``."""
    def one(lang: str) -> str:
        ways = ["stems" if lang in SNOWBALL else "whole words"]
        if lang in COMPOUNDING:
            ways.append("compounds")
        if lang == "de":
            ways.append("participles")
        return f"{lang}: " + ", ".join(ways)
    return f"{one(src)}; {one(tgt)}; hyphenated words by their parts; cognates and numbers"


# -- lexicon (pure) ---------------------------------------------------------------------

@dataclass
class Lexicon:
    """Source stems (or stem phrases ``"a b"``) → target stems, for one direction.

    ``trust`` is 1 for a direct dictionary and :data:`PIVOT_PENALTY` for one composed
    through English; ``sources`` names the dictionaries it was built from.
    """

    src: str
    tgt: str
    entries: dict[str, tuple[str, ...]]
    sources: tuple[str, ...] = ()
    trust: float = 1.0
    via: str = ""
    tgt_vocab: frozenset[str] = field(default=frozenset())
    max_words: int = 1

    def __post_init__(self) -> None:
        if not self.tgt_vocab:
            self.tgt_vocab = frozenset(t for ts in self.entries.values() for t in ts)
        self.max_words = max((k.count(" ") + 1 for k in self.entries), default=1)

    def __len__(self) -> int:
        return len(self.entries)

    def describe(self) -> str:
        """One line for the user: which dictionaries, the pivot if any, and how words
        are matched (:func:`word_handling`)."""
        what = " + ".join(self.sources) or "given lexicon"
        how = word_handling(self.src, self.tgt)
        if self.via:
            name = {"en": "English", "fr": "French"}.get(self.via, self.via)
            return (f"dictionary {self.src}→{self.via}→{self.tgt} through {name} ({what}; "
                    f"pivot penalty {self.trust:g}; {how})")
        return f"dictionary {self.src}→{self.tgt} ({what}; {how})"


def build_lexicon(src: str, tgt: str, forward: Iterable[tuple[str, list[str]]] = (),
                  reverse: Iterable[tuple[str, list[str]]] = (), sources: Sequence[str] = (),
                  max_phrase: int = MAX_PHRASE) -> Lexicon:
    """A ``src→tgt`` lexicon from ``src→tgt`` entries (``forward``) and ``tgt→src``
    entries (``reverse``, inverted), keyed by stems of both languages."""
    ss, ts = Stemmer(src), Stemmer(tgt)
    table: dict[str, dict[str, None]] = {}

    def add(head: str, trans: str) -> None:
        hk = ss.phrase(head)
        tk = ts.phrase(trans)
        if not hk or not tk or len(hk) > max_phrase or len(tk) > max_phrase:
            return
        if any(x.isdigit() for x in hk + tk):
            return  # sense numbers and dates, not words
        row = table.setdefault(" ".join(hk), {})
        for t in tk:
            row[t] = None

    for head, trans in forward:
        for t in trans:
            add(head, t)
    for head, trans in reverse:
        for t in trans:
            add(t, head)
    return Lexicon(src, tgt, {k: tuple(v) for k, v in table.items()}, tuple(sources))


def compose(first: Lexicon, second: Lexicon, penalty: float = PIVOT_PENALTY,
            max_fanout: int = 12) -> Lexicon:
    """``X→P`` then ``P→Y`` as one ``X→Y`` lexicon (``first.tgt == second.src``), with
    ``trust`` lowered by ``penalty``; a source key keeps at most ``max_fanout`` targets."""
    if first.tgt != second.src:
        raise ValueError(f"cannot compose {first.src}→{first.tgt} with {second.src}→{second.tgt}")
    out: dict[str, tuple[str, ...]] = {}
    for key, mids in first.entries.items():
        row: dict[str, None] = {}
        for m in mids:
            for t in second.entries.get(m, ()):
                row[t] = None
                if len(row) >= max_fanout:
                    break
        if row:
            out[key] = tuple(row)
    return Lexicon(first.src, second.tgt, out, first.sources + second.sources,
                   trust=first.trust * second.trust * penalty, via=first.tgt)


# -- sentence vectors (pure) ----------------------------------------------------------

def _lookup_src(words: list[str], lex: Lexicon, stem: Stemmer,
                memo: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Target stems for each source word position (phrases add to their first word)."""
    stems = [stem(w) for w in words]
    out: list[tuple[str, ...]] = []
    entries = lex.entries
    for k, (w, s) in enumerate(zip(words, stems)):
        got = entries.get(s)
        if got is None:
            got = memo.get(w)
            if got is None:
                parts = _parts_of(w, lambda p: stem(p) in entries, lex.src)
                got = tuple(t for p in parts for t in entries[stem(p)])
                memo[w] = got
        extra: tuple[str, ...] = ()
        for n in range(2, min(lex.max_words, len(words) - k) + 1):
            hit = entries.get(" ".join(stems[k:k + n]))
            if hit:
                extra += hit
        out.append(got + extra)
    return out


def _fold(word: str) -> str:
    """Without accents: *expédition* → *expedition* (for cognates)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def lexical_vectors(src: Sequence[str], tgt: Sequence[str], lex: Lexicon, dim_bits: int = 12,
                    *, fanout_power: float = 0.5, cognates: int = 5, cognate_weight: float = 1.0,
                    unmatched: float = 0.0):
    """Hashed tf-idf vectors of both sides in the target language's stem space.

    A source word contributes the stems of its translations (each ``1/√k`` for ``k``
    translations); a target word contributes its stem when the lexicon can produce it.
    Stems found on one side only are dropped, and idf over both documents weights
    rare words up, so the cosine of a bead is the rarity-weighted share of its words
    that have a translation on the other side.

    ``cognates``: words of at least this many letters also count by their first
    ``cognates`` letters without accents (*Expedition* / *expédition*, names), and
    numbers as themselves (0: off). ``unmatched`` > 0 keeps the mass of words with no
    counterpart in the other document in the norms (hunalign's length penalty; it lost
    0.01–0.03 F1 on the Text+Berg dev set, so it is off by default).
    """
    from workbench.align.features import SparseRows

    ss, ts = get_stemmer(lex.src), get_stemmer(lex.tgt)
    memo: dict[str, tuple[str, ...]] = {}

    def add_cognates(row: dict[str, float], text: str) -> None:
        """Numbers as themselves, long words by their first ``cognates`` folded letters."""
        for w in tokens(text):
            if w.isdigit() or len(w) >= cognates:
                k = "#" + w if w.isdigit() else "~" + _fold(w)[:cognates]
                row[k] = row.get(k, 0.0) + cognate_weight

    s_rows: list[dict[str, float]] = []
    for text in src:
        row: dict[str, float] = {}
        for got in _lookup_src(tokens(text), lex, ss, memo):
            if got:
                w = 1.0 / len(got) ** fanout_power
                for t in got:
                    row[t] = row.get(t, 0.0) + w
            else:
                row["?"] = row.get("?", 0.0) + 1.0  # no translation: only counts as unmatched
        if cognates:
            add_cognates(row, text)
        s_rows.append(row)
    vocab = lex.tgt_vocab
    tmemo: dict[str, tuple[str, ...]] = {}
    t_rows: list[dict[str, float]] = []
    for text in tgt:
        row = {}
        for w in tokens(text):
            s = ts(w)
            if s in vocab:
                row[s] = row.get(s, 0.0) + 1.0
                continue
            parts = tmemo.get(w)
            if parts is None:
                parts = tuple(ts(p) for p in _parts_of(w, lambda p: ts(p) in vocab, lex.tgt))
                tmemo[w] = parts
            for p in parts:
                row[p] = row.get(p, 0.0) + 1.0
            if not parts:
                row["?"] = row.get("?", 0.0) + 1.0
        if cognates:
            add_cognates(row, text)
        t_rows.append(row)
    shared = ({k for r in s_rows for k in r} & {k for r in t_rows for k in r}) - {"?"}
    dim = 1 << dim_bits
    df: dict[str, int] = {}
    for rows in (s_rows, t_rows):
        for r in rows:
            for k in r:
                if k in shared:
                    df[k] = df.get(k, 0) + 1
    n_docs = len(src) + len(tgt)
    col: dict[str, tuple[int, float]] = {}
    for k, d in df.items():
        h = int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "little")
        col[k] = (h % dim, (1.0 if h >> 63 else -1.0) * (np.log((n_docs + 1.0) / (d + 1.0)) + 1.0))
    width = dim + 2 if unmatched > 0 else dim

    def vector(side: int, r: dict[str, float]) -> dict[int, float]:
        acc: dict[int, float] = {}
        miss = 0.0
        for k, v in r.items():
            c = col.get(k)
            if c is not None:
                acc[c[0]] = acc.get(c[0], 0.0) + v * c[1]
            else:
                miss += v
        if unmatched > 0 and miss > 0:
            # words with no counterpart anywhere in the other document: they match
            # nothing but still count in the norm, in a column of this side's own
            acc[dim + side] = unmatched * miss
        return acc

    return [SparseRows.from_dicts((vector(side, r) for r in rows), width)
            for side, rows in enumerate((s_rows, t_rows))]


# -- discovery, loading and cache (I/O edges) ------------------------------------------

class MissingDictionaryError(UnsupportedLanguageError):
    """No dictionary (direct, reversed or through English) for a language pair."""


def search_dirs() -> list[Path]:
    """Folders searched for dictd files: ``WORKBENCH_DICT_DIRS`` (``:``-separated) when
    set, else :data:`DEFAULT_DIRS`."""
    env = os.environ.get("WORKBENCH_DICT_DIRS")
    if env is not None:
        return [Path(p) for p in env.split(":") if p]
    return [Path(p) for p in DEFAULT_DIRS]


def find_dictionaries(dirs: Sequence[Path] | None = None) -> list[DictInfo]:
    """Every FreeDict dictd dictionary (``freedict-xxx-yyy.index`` + ``.dict[.dz]``) in ``dirs``."""
    found: dict[str, DictInfo] = {}
    for d in dirs if dirs is not None else search_dirs():
        if not d.is_dir():
            continue
        for index in sorted(d.glob("freedict-*-*.index")):
            name = index.name[: -len(".index")]
            m = re.fullmatch(r"freedict-([a-z]{3})-([a-z]{3})", name)
            if not m or name in found:
                continue
            data = next((p for p in (d / f"{name}.dict.dz", d / f"{name}.dict") if p.exists()), None)
            if data is None:
                continue
            a, b = m.groups()
            found[name] = DictInfo(name, ISO1.get(a, a), ISO1.get(b, b), index, data)
    return list(found.values())


def package_name(src: str, tgt: str) -> str:
    """The Debian package of the ``src→tgt`` FreeDict dictionary."""
    return f"dict-freedict-{ISO3.get(src, src)}-{ISO3.get(tgt, tgt)}"


def dictionary_pairs(dicts: Sequence[DictInfo] | None = None,
                     pivots: Sequence[str] = PIVOTS) -> list[tuple[str, str, str]]:
    """``(src, tgt, how)`` for every direction the installed dictionaries cover:
    ``how`` is ``direct``, ``reversed`` (only the other direction is installed) or
    ``via en`` (composed through a pivot language, :data:`PIVOTS` in order)."""
    dicts = find_dictionaries() if dicts is None else dicts
    have = {(d.src, d.tgt) for d in dicts}
    direct: dict[tuple[str, str], str] = {}
    for a, b in have:
        direct[(a, b)] = "direct"
        direct.setdefault((b, a), "reversed")
    out = dict(direct)
    langs = {x for p in direct for x in p}
    for p in pivots:
        for a in langs:
            for b in langs:
                if (a != b and p not in (a, b) and (a, b) not in out and (a, p) in direct
                        and (p, b) in direct):
                    out[(a, b)] = f"via {p}"
    return sorted((a, b, how) for (a, b), how in out.items())


def cache_dir() -> Path:
    """Where built lexicons are cached: ``$WORKBENCH_CACHE/dictionaries``, else
    ``$XDG_CACHE_HOME`` (or ``~/.cache``) ``/workbench/dictionaries``."""
    if os.environ.get("WORKBENCH_CACHE"):
        return Path(os.environ["WORKBENCH_CACHE"]) / "dictionaries"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "workbench" / "dictionaries"


def _direct(src: str, tgt: str, dicts: Sequence[DictInfo], use_cache: bool) -> Lexicon | None:
    fwd = [d for d in dicts if (d.src, d.tgt) == (src, tgt)]
    rev = [d for d in dicts if (d.src, d.tgt) == (tgt, src)]
    if not fwd and not rev:
        return None
    used = fwd + rev
    key = hashlib.sha1("|".join([PARSER_VERSION, src, tgt] + [d.stamp() for d in used])
                       .encode()).hexdigest()[:16]
    path = cache_dir() / f"{src}-{tgt}-{key}.pickle"
    if use_cache and path.exists():
        try:
            with path.open("rb") as fh:
                lex = pickle.load(fh)
            if isinstance(lex, Lexicon):
                return lex
        except Exception:  # noqa: BLE001 - a broken cache file is rebuilt
            pass
    f_entries = [e for d in fwd for e in read_dictd(d.index, d.data)[0]]
    r_entries = [e for d in rev for e in read_dictd(d.index, d.data)[0]]
    lex = build_lexicon(src, tgt, f_entries, r_entries, [d.name for d in used])
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(lex, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs time
    return lex


def load_lexicon(src: str, tgt: str, dicts: Sequence[DictInfo] | None = None, *,
                 pivots: Sequence[str] = PIVOTS, use_cache: bool = True) -> Lexicon:
    """The best lexicon for ``src→tgt``: the installed dictionaries of the pair (both
    directions), else ``src→P`` composed with ``P→tgt`` for the first pivot ``P`` that
    has both legs (with :data:`PIVOT_PENALTY`). Raises :class:`MissingDictionaryError`
    naming the Debian packages to install."""
    dicts = find_dictionaries() if dicts is None else list(dicts)
    lex = _direct(src, tgt, dicts, use_cache)
    if lex is not None:
        return lex
    for pivot in pivots:
        if pivot in (src, tgt):
            continue
        a = _direct(src, pivot, dicts, use_cache)
        b = _direct(pivot, tgt, dicts, use_cache) if a is not None else None
        if a is not None and b is not None:
            return compose(a, b)
    hint = f"apt-get install {package_name(src, tgt)} (or {package_name(tgt, src)})"
    where = ", ".join(str(d) for d in search_dirs()) or "no folder (WORKBENCH_DICT_DIRS is empty)"
    raise MissingDictionaryError(
        f"no dictionary for {src}→{tgt} in {where}: {hint}; "
        "or pass --no-dict to align without one")
