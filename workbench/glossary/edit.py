"""Editing a glossary concept by concept: find, add a form, rename, delete, and what changed.

Every function returns a new, validated :class:`~workbench.glossary.model.Glossary`
(or raises :class:`~workbench.errors.GlossaryError` with one sentence saying why
and what to do). A new form that folds to the same matching key as an existing
one (``Choigu`` next to ``Choïgu``: case, accents, hyphens and spaces ignored)
would match nothing new, so it is refused with the existing form named;
:func:`redundant_additions` applies the same rule to rows added in a table.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.errors import GlossaryError
from workbench.glossary.model import (PREFERRED, VARIANT, Concept, Glossary, Term,
                                      check_term_fields)
from workbench.glossary.normalise import key
from workbench.glossary.suggest import translit_key


def find_concepts(glossary: Glossary, query: str, limit: int = 20) -> list[Concept]:
    """Concepts with a form (any language) or id containing ``query``, compared by matching
    key and by transliteration key (``Schoigu`` finds ``Choïgou``); exact forms first."""
    q, tq = key(query), translit_key(query)
    if not q:
        return []
    ranked: list[tuple[int, int, Concept]] = []
    for i, concept in enumerate(glossary.concepts.values()):
        keys = [key(t.text) for t in concept.terms]
        if q in keys or (tq and tq in {translit_key(t.text) for t in concept.terms}):
            rank = 0
        elif any(k.startswith(q) for k in keys):
            rank = 1
        elif any(q in k for k in keys) or q in key(concept.id) or (
                len(tq) >= 3 and any(tq in translit_key(t.text) for t in concept.terms)):
            rank = 2
        else:
            continue
        ranked.append((rank, i, concept))
    return [c for _, _, c in sorted(ranked, key=lambda r: r[:2])[:limit]]


def same_key_form(terms: Iterable[Term], new: Term) -> Term | None:
    """The existing term that makes ``new`` redundant or ambiguous, if any: one with the same
    matching key in another concept, or in the same concept unless ``new`` is the first
    preferred form of another language (``Kirby`` in English next to French ``Kirby``)."""
    for t in terms:
        if (t.concept, t.lang, t.text) == (new.concept, new.lang, new.text) or key(t.text) != key(new.text):
            continue
        if t.concept != new.concept or t.lang == new.lang or not new.preferred:
            return t
    return None


def _refusal(new: Term, old: Term) -> str:
    return (f"“{new.text}” was not added: it folds to the same key as “{old.text}” "
            f"({old.concept}, {old.lang}), which already matches it")


def redundant_additions(old: Glossary | None, new_terms: list[Term]) -> list[str]:
    """One message per row of ``new_terms`` that ``old`` did not have and that folds to the
    same key as another row (rows already in ``old`` are left alone: files may hold them)."""
    before = {(t.concept, t.lang, t.text) for t in old.terms()} if old is not None else set()
    out = []
    for i, t in enumerate(new_terms):
        if (t.concept, t.lang, t.text) in before:
            continue
        other = same_key_form(new_terms[:i] + new_terms[i + 1:], t)
        if other is not None:
            out.append(_refusal(t, other))
    return out


def _concept(glossary: Glossary, concept: str) -> Concept:
    c = glossary.concepts.get(concept)
    if c is None:
        raise GlossaryError(f"no concept {concept!r} in {glossary.source}")
    return c


def _rebuild(glossary: Glossary, terms: list[Term]) -> Glossary:
    """Validated glossary from ``terms``, each concept's rows kept together in file order."""
    order = {cid: i for i, cid in enumerate(glossary.concepts)}
    terms = sorted(terms, key=lambda t: order.get(t.concept, len(order)))
    return Glossary.from_terms(terms, glossary.source)


def add_form(glossary: Glossary, concept: str, lang: str, text: str,
             status: str = VARIANT, note: str = "") -> Glossary:
    """``text`` added to ``concept`` in ``lang``, placed after the concept's rows. A new
    preferred form demotes the old one to a variant; the first form of a language is preferred."""
    _concept(glossary, concept)
    text, lang = text.strip(), lang.strip().lower()
    has_lang = any(t.lang == lang for t in glossary.concepts[concept].terms)
    status = PREFERRED if not has_lang else status
    new = Term(concept, lang, text, status, note)
    old = same_key_form(glossary.terms(), new)
    if old is not None:
        raise GlossaryError(_refusal(new, old))
    terms = [Term(t.concept, t.lang, t.text, VARIANT, t.note)
             if status == PREFERRED and (t.concept, t.lang) == (concept, lang) else t
             for t in glossary.terms()]
    return _rebuild(glossary, terms + [new])


def _concept_id_for(glossary: Glossary, text: str) -> str:
    """A new concept id made from a form (``Sergueï Choïgou`` → ``serguei-choigou``: ASCII,
    a letter first), with ``-2``, ``-3``… when the glossary already has it."""
    base = "-".join(key(text).split()) or "concept"
    base = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in base)
    base = "-".join(p for p in base.split("-") if p) or "concept"
    if not base[0].isalpha():
        base = f"c-{base}"
    cid, n = base, 1
    while cid in glossary.concepts:
        n += 1
        cid = f"{base}-{n}"
    return cid


def add_concept(glossary: Glossary, concept: str, forms: dict[str, str], note: str = "") -> Glossary:
    """A new concept at the end of the glossary with one preferred form per language of
    ``forms`` (language → form; empty forms skipped); ``concept`` empty: an id made from the
    first form. Refused when the id exists or a form folds to the key of an existing form."""
    given = [(lang.strip().lower(), text.strip()) for lang, text in forms.items() if text.strip()]
    if not given:
        raise GlossaryError("a new concept needs at least one form: write its preferred "
                            "form in one language or more")
    concept = concept.strip() or _concept_id_for(glossary, given[0][1])
    if concept in glossary.concepts:
        raise GlossaryError(f"concept {concept!r} already exists in {glossary.source}: add "
                            "the new forms to it instead")
    new = [Term(concept, lang, text, PREFERRED, note if i == 0 else "")
           for i, (lang, text) in enumerate(given)]
    for t in new:
        wrong = check_term_fields(t.concept, t.lang, t.text, t.status)
        if wrong:
            raise GlossaryError(f"the concept was not added: {wrong[0]}")
        old = same_key_form([*glossary.terms(), *new], t)
        if old is not None:
            raise GlossaryError(_refusal(t, old))
    return _rebuild(glossary, [*glossary.terms(), *new])


def _find_term(glossary: Glossary, concept: str, lang: str, text: str) -> Term:
    for t in _concept(glossary, concept).terms:
        if (t.lang, t.text) == (lang, text):
            return t
    raise GlossaryError(f"{concept} has no {lang} form “{text}” (changed meanwhile? reload)")


def rename_form(glossary: Glossary, concept: str, lang: str, old: str, new: str) -> Glossary:
    """The form ``old`` written ``new`` (status and note kept)."""
    term = _find_term(glossary, concept, lang, old)
    new = new.strip()
    if new == old:
        return glossary
    renamed = Term(concept, lang, new, term.status, term.note)
    rest = [t for t in glossary.terms() if t is not term]
    clash = same_key_form(rest, renamed)
    if clash is not None:
        raise GlossaryError(_refusal(renamed, clash).replace("was not added", "was not saved"))
    return _rebuild(glossary, [renamed if t is term else t for t in glossary.terms()])


def make_preferred(glossary: Glossary, concept: str, lang: str, text: str) -> Glossary:
    """``text`` becomes the preferred ``lang`` form of ``concept``; the old one a variant."""
    _find_term(glossary, concept, lang, text)
    return _rebuild(glossary, [
        Term(t.concept, t.lang, t.text, PREFERRED if t.text == text else VARIANT, t.note)
        if (t.concept, t.lang) == (concept, lang) else t for t in glossary.terms()])


def delete_form(glossary: Glossary, concept: str, lang: str, text: str) -> Glossary:
    """The form removed; the concept goes when its last form does. A preferred form is kept
    while its language has variants (make one of them preferred first)."""
    term = _find_term(glossary, concept, lang, text)
    same_lang = [t for t in glossary.concepts[concept].terms if t.lang == lang]
    if term.preferred and len(same_lang) > 1:
        raise GlossaryError(f"“{text}” is the preferred {lang} form of {concept}: make another "
                            f"{lang} form preferred first, or delete the variants")
    return _rebuild(glossary, [t for t in glossary.terms() if t is not term])


def changes(old: Glossary | None, new: Glossary) -> list[str]:
    """What changed from ``old`` to ``new``, one line each (added, removed, renamed, status, note)."""
    def rows(g: Glossary | None) -> dict[tuple[str, str, str], Term]:
        return {(t.concept, t.lang, t.text): t for t in g.terms()} if g is not None else {}

    before, after = rows(old), rows(new)
    out: list[str] = []
    removed = [k for k in before if k not in after]
    added = [k for k in after if k not in before]
    for k in list(removed):  # one removed and one added form of a concept and language: renamed
        pair = [a for a in added if a[:2] == k[:2]]
        if len([r for r in removed if r[:2] == k[:2]]) == 1 and len(pair) == 1:
            out.append(f"{k[0]} ({k[1]}): “{k[2]}” renamed “{pair[0][2]}”")
            removed.remove(k)
            added.remove(pair[0])
    out += [f"{c} ({lang}): “{text}” added as {after[(c, lang, text)].status}" for c, lang, text in added]
    out += [f"{c} ({lang}): “{text}” deleted" for c, lang, text in removed]
    for k, t in after.items():
        b = before.get(k)
        if b is not None and b.status != t.status:
            out.append(f"{k[0]} ({k[1]}): “{k[2]}” is now {t.status}")
        if b is not None and b.note != t.note:
            out.append(f"{k[0]} ({k[1]}): note of “{k[2]}” changed")
    return out
