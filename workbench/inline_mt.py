"""Inline codes (tags) through machine translation: kept, never dropped or garbled.

A segment imported from a CAT tool's file holds its tags as placeholders
(:mod:`workbench.io.inline`: two private-use characters each). An engine may
keep them where they belong (Apertium passes them through and moves them with
the words: ``⟦1⟧Moscou⟦/1⟧ attend`` → ``⟦1⟧Moscow⟦/1⟧ expects``), or lose,
repeat or reorder them (a neural engine's vocabulary has no private-use
characters). :func:`translate` checks every output: it must hold each code of
the source exactly once, each pair opening before it closes and nested as in
the source. An output that passes is kept as the engine placed the codes.

For one that fails, the source *without* codes is translated instead (the
engine's best translation, nothing in its way) and the codes are placed in it
by the workbench (:func:`place`):

* a pair of codes around text (``<g>``, ``<bpt>``…``<ept>``) wraps the
  translation of that text where the engine keeps those words in the sentence
  (the text is translated on its own and looked for, the longest run of at
  least half its words first, then the text itself: names and numbers stay
  as they are);
* every other code goes to the word boundary at the same relative position as
  in the source, glued to the word it was glued to, in source order (so pairs
  stay nested, and a code at the start or the end stays there).

Such a result says so in its meta (``codes_placed``: how many codes the
workbench placed), for the reviewer to check; it never loses a code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from workbench.engines import TranslationResult
from workbench.io import inline

_WORD = re.compile(r"\S+")


def _pairs(text: str) -> dict[int, int]:
    """Opening placeholder index → its closing one, matched as a stack in ``text``."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for m in inline.PLACEHOLDER.finditer(text):
        i = ord(m.group(2))
        if m.group(1) == inline.OPEN:
            stack.append(i)
        elif m.group(1) == inline.CLOSE and stack:
            pairs[stack.pop()] = i
    return pairs


def kept(output: str, source: str) -> bool:
    """Whether ``output`` holds the codes of ``source`` as the source has them: each
    once, every pair opening before it closes, nested the same way."""
    found = [m.group(0) for m in inline.PLACEHOLDER.finditer(output)]
    if sorted(found) != sorted(m.group(0) for m in inline.PLACEHOLDER.finditer(source)):
        return False
    return _pairs(output) == _pairs(source)


def translate(call: Callable[[list[str]], list[TranslationResult]],
              texts: list[str]) -> list[TranslationResult]:
    """``call`` (one engine call on a batch) with the inline codes of ``texts`` kept
    (see the module doc). Texts without codes go through unchanged."""
    results = call(texts)
    failed = [i for i, (t, r) in enumerate(zip(texts, results))
              if inline.has_codes(t) and not kept(r.text, t)]
    if not failed:
        return results
    plain = call([_plain(texts[i]) for i in failed])
    contents = sorted({c for i in failed for c in _contents(texts[i])})
    spans = dict(zip(contents, (r.text for r in call(contents)))) if contents else {}
    out = list(results)
    for i, res in zip(failed, plain):
        text, placed = place(texts[i], res.text, spans)
        out[i] = replace(res, text=text, meta={**res.meta, "codes_placed": placed})
    return out


def _plain(text: str) -> str:
    """The text without its codes, spaces left by them collapsed."""
    return re.sub(r"[ \t]{2,}", " ", inline.plain(text)).strip()


def _contents(text: str) -> list[str]:
    """The text inside each pair of codes (plain, stripped; empty ones left out)."""
    pos = {ord(m.group(2)): m for m in inline.PLACEHOLDER.finditer(text)}
    out = []
    for o, c in _pairs(text).items():
        content = _plain(text[pos[o].end():pos[c].start()])
        if content:
            out.append(content)
    return out


def place(source: str, translation: str, spans: dict[str, str] | None = None, *,
          wrap: bool = True) -> tuple[str, int]:
    """Put the codes of ``source`` into ``translation`` (which has none); returns the
    text and how many codes were placed. ``spans`` maps the text of a pair's content
    to its translation (see the module doc); ``wrap=False`` places every code by
    position."""
    codes = list(inline.PLACEHOLDER.finditer(source))
    if not codes:
        return translation, 0
    src_words = len(_WORD.findall(inline.plain(source)))
    words = list(_WORD.finditer(translation))
    inserts: dict[int, tuple[int, str]] = {}  # source order → (char position, placeholder)
    wrapped = _wrap(source, translation, codes, spans or {}) if wrap else {}
    for order, m in enumerate(codes):
        if order in wrapped:
            inserts[order] = (wrapped[order], m.group(0))
            continue
        before = len(_WORD.findall(inline.plain(source[:m.start()])))
        k = round(before / src_words * len(words)) if src_words else 0
        left_glued = m.start() > 0 and not source[m.start() - 1].isspace() and before > 0
        right_glued = m.end() < len(source) and not source[m.end()].isspace()
        if k == 0 or not words:
            inserts[order] = (0, m.group(0) if right_glued or not words else m.group(0) + " ")
        elif k >= len(words) or left_glued or not right_glued:
            end = words[min(k, len(words)) - 1].end()
            gap = "" if left_glued or k >= len(words) else " "
            inserts[order] = (end, gap + m.group(0))
        else:
            inserts[order] = (words[k].start(), m.group(0))
        earlier = [at for n, (at, _) in inserts.items() if n < order and n not in wrapped]
        if earlier and inserts[order][0] < max(earlier):  # never before an earlier code
            inserts[order] = (max(earlier), inserts[order][1].strip())
    text = _insert(translation, inserts)
    if wrapped and not kept(text, source):  # a wrapped pair crossed a placed code
        return place(source, translation, wrap=False)
    return text, len(codes)


def _wrap(source: str, translation: str, codes: Sequence[re.Match[str]],
          spans: dict[str, str]) -> dict[int, int]:
    """Char positions in ``translation`` for the codes of pairs whose content the engine
    kept there (source order → position)."""
    order = {ord(m.group(2)): n for n, m in enumerate(codes)}
    pos = {ord(m.group(2)): m for m in codes}
    taken: list[tuple[int, int]] = []
    out: dict[int, int] = {}
    for o, c in _pairs(source).items():
        content = _plain(source[pos[o].end():pos[c].start()])
        for phrase in _phrases(spans.get(content, "")) + _phrases(content):
            for hit in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", translation,
                                   re.IGNORECASE):
                if all(hit.end() <= a or hit.start() >= b or (a <= hit.start() and hit.end() <= b)
                       or (hit.start() <= a and b <= hit.end()) for a, b in taken):
                    out[order[o]], out[order[c]] = hit.start(), hit.end()
                    taken.append(hit.span())
                    break
            if order[o] in out:
                break
    return out


def _phrases(text: str) -> list[str]:
    """The runs of consecutive words of ``text`` worth looking for, longest first (at
    least half of its words: a span translated on its own may gain a word, ``gagne du
    terrain`` → ``It wins of the terrain``)."""
    words = [w.strip(".!?;:,«»\"“”") for w in text.split()]
    words = [w for w in words if w]
    runs = [words[s:s + n] for n in range(len(words), (len(words) + 1) // 2 - 1, -1)
            if n > 0 for s in range(len(words) - n + 1)]
    return [" ".join(run) for run in runs if any(len(w) >= 4 for w in run)]  # not "the" alone


def _insert(text: str, inserts: dict[int, tuple[int, str]]) -> str:
    """``text`` with the strings of ``inserts`` at their positions; at one position,
    closings of earlier pairs first, then in source order."""
    parts, last = [], 0
    for order, (at, s) in sorted(inserts.items(), key=lambda kv: (kv[1][0], kv[0])):
        parts.append(text[last:at])
        parts.append(s)
        last = at
    parts.append(text[last:])
    return "".join(parts)


__all__ = ["kept", "place", "translate"]
