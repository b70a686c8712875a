"""Glossary: find a concept by any of its forms and edit it there, or edit the whole table.

The glossaries live in the project database, versioned (every reviewer of a shared
project edits the same ones); each is shown as its copy in the glossary folder,
``NAME.csv``, which a save rewrites (atomically) and which may also be edited on disk.

"Find a concept" searches every form (any language, accents and case ignored,
transliterations too) and shows each concept found with its forms: rename,
make preferred, delete, and add a form beside them; each action is one call of
:mod:`workbench.glossary.edit` on the version shown, saved at once as a new version
and reported as what changed (a form that folds to an existing key is refused with
that form named).

The table is a keyed ``st.data_editor`` over a base frame that stays fixed
while it is edited (changing the base under the editor drops edits,
streamlit issue #7749); the edited frame is kept per glossary as a draft, so
edits survive a visit to another page. Save validates with the same rules as
loading a file and saves a new version; nothing is saved while any row has a
problem. Every save names the version it started from: when someone else saved in
between, it is refused in one line (a conflict, never a lost update) and the draft stays.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import streamlit as st

from workbench.app import queries
from workbench.glossary.project import apply_normalisation, normalise_preview
from workbench.app.common import (db, flash, glossary_dir, open_or_stop, project_glossary,
                                  reviewer, show_error, show_flashes, target_lang_select)
from workbench.app.text import md_escape
from workbench.errors import WorkbenchError

ss = st.session_state
ss.setdefault("gl_base", {})   # file name -> frame the current editor started from
ss.setdefault("gl_base_version", {})  # file name -> the version that frame is
ss.setdefault("gl_draft", {})  # file name -> latest edited frame (survives page changes)
ss.setdefault("gl_gen", {})    # file name -> editor generation (bumped to reset the editor)
COLUMNS = ["concept", "lang", "term", "status", "note"]


def _stored(name: str, version: int | None = None):
    """``(glossary, version)``: version ``version`` (default: the newest) of the glossary
    shown as ``name`` (``names.csv``), or ``(None, None)`` when there is none."""
    from workbench.glossary.project import glossary_of

    with db() as project:
        stored = project.glossary_version(name.removesuffix(".csv"), version)
    return (None, None) if stored is None else (glossary_of(stored), stored.version)


def _store(name: str, glossary, version: int | None) -> None:
    """Save ``glossary`` as the next version of ``name`` (an edit of ``version``); its copy
    in the folder follows. A conflict or refusal raises :class:`WorkbenchError`."""
    from workbench.glossary.project import save_glossary

    with db() as project:
        save_glossary(project, name.removesuffix(".csv"), glossary, expected_version=version,
                      author=reviewer(), folder=glossary_dir())


def _frame(glossary) -> pl.DataFrame:
    rows = [(t.concept, t.lang, t.text, t.status, t.note) for t in glossary.terms()]
    return pl.DataFrame(rows, schema=COLUMNS, orient="row") if rows else \
        pl.DataFrame({c: [] for c in COLUMNS}, schema={c: pl.Utf8 for c in COLUMNS})


def _terms(frame: pl.DataFrame):
    """Editor rows -> glossary terms; ``line`` is the row number shown to the user (1-based)."""
    from workbench.glossary import Term

    terms = []
    for i, row in enumerate(frame.iter_rows(named=True), 1):
        cells = {c: ("" if row.get(c) is None else str(row[c]).strip()) for c in COLUMNS}
        if not any(cells.values()):
            continue  # an empty row added by mistake
        terms.append(Term(cells["concept"], cells["lang"].lower(), cells["term"],
                          cells["status"].lower() or "variant", cells["note"], i))
    return terms


def _reset(name: str) -> None:
    ss.gl_draft.pop(name, None)
    ss.gl_base.pop(name, None)
    ss.gl_base_version.pop(name, None)
    ss.gl_gen[name] = ss.gl_gen.get(name, 0) + 1


def _saved(name: str, what: list[str]) -> None:
    """Report a save: what changed, one line each."""
    flash(f"Saved {name}: " + ("; ".join(what) if what else "nothing changed") + ".")


def _save(name: str, frame: pl.DataFrame) -> bool:
    """Save the table as a new version of the version it was made from."""
    from workbench.glossary import Glossary, GlossaryValidationError
    from workbench.glossary.edit import changes, redundant_additions

    version = ss.gl_base_version.get(name)
    try:
        old = _stored(name, version)[0]  # what the edit started from
        terms = _terms(frame)
        glossary = Glossary.from_terms(terms, name)
        redundant = redundant_additions(old, terms)
        if redundant:
            raise WorkbenchError("Not saved: " + " ".join(redundant))
        _store(name, glossary, version)
    except GlossaryValidationError as exc:
        st.error(md_escape(f"Not saved: {len(exc.problems)} problem(s); row numbers are those "
                           "of the table."))
        st.dataframe(pl.DataFrame({"row": [p.line for p in exc.problems],
                                   "problem": [p.message for p in exc.problems]}),
                     hide_index=True)
        return False
    except WorkbenchError as exc:
        show_error(exc)
        return False
    _saved(name, changes(old, glossary))
    return True


def _edit_file(target: tuple[str, int], action, *args) -> bool:
    """Apply one :mod:`workbench.glossary.edit` function to the version shown
    (``target``: name and version), save the result as the next version and report what
    changed; a refusal or a conflict is one line and nothing is saved."""
    from workbench.glossary.edit import changes

    name, version = target
    if name in ss.gl_draft:
        flash("Not saved: the table has unsaved changes; save or discard them first.", "error")
        return False
    try:
        old = _stored(name, version)[0]
        new = action(old, *args)
        _store(name, new, version)
    except WorkbenchError as exc:
        flash(str(exc), "error")
        return False
    _reset(name)
    _saved(name, changes(old, new))
    return True


def _add(target: tuple[str, int], concept: str, gen: int) -> None:
    from workbench.glossary.edit import add_form

    k = f"gl_add_{concept}_{gen}"
    if _edit_file(target, add_form, concept, ss[f"{k}_lang"], ss.get(f"{k}_text", ""),
                  ss[f"{k}_status"]):
        ss[f"{k}_text"] = ""


def _rename(target: tuple[str, int], concept: str, lang: str, old: str, widget: str) -> None:
    from workbench.glossary.edit import rename_form

    _edit_file(target, rename_form, concept, lang, old, ss.get(widget, old))


def _concept_card(glossary, concept, target: tuple[str, int], gen: int, langs: list[str],
                  locked: bool) -> None:
    """One concept found: its forms (rename, make preferred, delete) and a form to add."""
    from workbench.glossary.edit import delete_form, make_preferred

    with st.container(border=True, key=f"gl_card_{concept.id}"):
        st.markdown(f"**{md_escape(concept.id)}**")
        for i, t in enumerate(concept.terms):
            row = st.container(horizontal=True, vertical_alignment="center",
                               key=f"gl_form_{concept.id}_{i}")
            widget = f"gl_t_{concept.id}_{i}_{gen}"
            row.text_input("Form", value=t.text, key=widget, label_visibility="collapsed",
                           disabled=locked)
            row.markdown(f"`{t.lang}` {'**preferred**' if t.preferred else 'variant'}")
            row.button("Rename", key=f"{widget}_ren", disabled=locked, on_click=_rename,
                       args=(target, concept.id, t.lang, t.text, widget),
                       help="Save the form as written in the box")
            row.button("Preferred", key=f"{widget}_pref", disabled=locked or t.preferred,
                       on_click=_edit_file, args=(target, make_preferred, concept.id, t.lang, t.text),
                       help=f"Make it the preferred {t.lang} form")
            row.button("Delete", key=f"{widget}_del", disabled=locked,
                       on_click=_edit_file, args=(target, delete_form, concept.id, t.lang, t.text))
        k = f"gl_add_{concept.id}_{gen}"
        add = st.container(horizontal=True, vertical_alignment="bottom")
        own = concept.langs
        add.text_input("New form", key=f"{k}_text", disabled=locked,
                       placeholder=f"another spelling of {concept.terms[0].text}")
        add.selectbox("Language", own + [x for x in langs if x not in own], key=f"{k}_lang",
                      disabled=locked)
        add.selectbox("Status", ["variant", "preferred"], key=f"{k}_status", disabled=locked)
        add.button("Add", key=f"{k}_go", icon=":material/add:", disabled=locked,
                   on_click=_add, args=(target, concept.id, gen))


def _find_section(glossary, target: tuple[str, int]) -> None:
    """Find concepts by any form and edit them in place (locked while the table has a draft)."""
    from workbench.glossary.edit import find_concepts

    name = target[0]
    query = st.text_input("Find a concept", key="gl_find",
                          placeholder="any of its forms, any language: Choïgou, Shoigu, Corée…")
    if not query.strip():
        return
    found = find_concepts(glossary, query, limit=FOUND_SHOWN)
    if not found:
        st.caption(md_escape(f"No concept has a form like “{query.strip()}”."))
        return
    locked = name in ss.gl_draft
    if locked:
        st.warning("The table below has unsaved changes: save or discard them before "
                   "editing here.")
    langs = sorted({*glossary.languages, "en", "fr"})
    for concept in found:
        _concept_card(glossary, concept, target, ss.gl_gen.get(name, 0), langs, locked)


def _add_concept(target: tuple[str, int], k: str, langs: list[str]) -> None:
    """The "New concept" form: add the concept, then show it as found (its card)."""
    from workbench.glossary.edit import add_concept

    forms = {lang: ss.get(f"{k}_{lang}", "") for lang in langs}
    if _edit_file(target, add_concept, ss.get(f"{k}_id", ""), forms, ss.get(f"{k}_note", "")):
        ss["gl_find"] = next(text.strip() for text in forms.values() if text.strip())


def _new_concept_section(glossary, target: tuple[str, int]) -> None:
    """A new concept with its preferred form in each language given (saved at once)."""
    name = target[0]
    # the languages in the glossary's order (the source language's column comes first)
    langs = list(dict.fromkeys([*(t.lang for t in glossary.terms()), "fr", "en"]))
    k, locked = f"gl_nc_{ss.gl_gen.get(name, 0)}", name in ss.gl_draft
    with st.popover("New concept", icon=":material/add:", key="gl_new_concept",
                    disabled=locked, help="A concept with its preferred form per language"):
        for lang in langs:
            st.text_input(f"Preferred form ({lang})", key=f"{k}_{lang}")
        st.text_input("Concept id", key=f"{k}_id", placeholder="made from the first form")
        st.text_input("Note", key=f"{k}_note", placeholder="who or what it is, where seen")
        st.button("Add concept", key=f"{k}_go", type="primary", on_click=_add_concept,
                  args=(target, k, langs))


def _new_file() -> None:
    """A new, empty glossary (version 1), or the one of that name if there is one."""
    from workbench.glossary import Glossary

    raw = ss.get("gl_new_name", "").strip()
    name = re.sub(r"[^\w\-]+", "_", raw).strip("_")
    if not name:
        return
    if _stored(f"{name}.csv")[0] is None:
        try:
            _store(f"{name}.csv", Glossary.from_terms([], f"{name}.csv"), None)
        except WorkbenchError as exc:
            flash(str(exc), "error")
            return
    ss.gl_file = f"{name}.csv"


def _apply_renormalise(lang: str, changes: pl.DataFrame, approved: bool, keep: bool) -> None:
    """Apply the previewed changes (those to approved texts only if asked); the preview
    is recomputed on the next run, so it never offers what was just applied."""
    if not approved:
        changes = changes.filter(pl.col("status") != "approved")
    with db() as project:
        done, conflicts = apply_normalisation(project, changes, lang, reviewer(),
                                              keep_approved=keep)
    flash(f"{done} translation(s) updated"
          + (f"; {conflicts} changed meanwhile and were left alone" if conflicts else ""))


def _renormalise_section(glossary, name: str) -> None:
    with st.expander("Re-normalise translations with this glossary"):
        with db() as project:
            langs = queries.target_langs(project)
        if not langs:
            st.caption("No translations yet.")
            return
        lang = target_lang_select(langs, "gl_norm_lang")
        with db() as project:
            changes = normalise_preview(project, glossary, lang, statuses=None)
        approved = changes.filter(pl.col("status") == "approved")
        others = changes.filter(pl.col("status") != "approved")
        st.caption(f"{len(others)} final translation(s) would change; "
                   f"{len(approved)} approved one(s) too, listed apart.")
        if len(others):
            st.dataframe(others.select("segment_id", "target", "normalised").head(50),
                         hide_index=True, width="stretch")
        with_approved = keep = False
        if len(approved):
            st.markdown("**Approved translations the glossary would change**")
            st.dataframe(approved.select("segment_id", "target", "normalised").head(50),
                         hide_index=True, width="stretch")
            with_approved = st.checkbox("Change the approved ones too", key="gl_norm_approved")
            keep = st.checkbox("Keep them approved (else they go back to “to do”)",
                               key="gl_norm_keep", disabled=not with_approved)
        st.button("Apply to these translations", key="gl_norm_apply",
                  disabled=not (len(others) or with_approved), on_click=_apply_renormalise,
                  args=(lang, changes, with_approved, keep))


FOUND_SHOWN = 8
REJECTED = ".rejected-suggestions.json"  # in the glossary folder: spans a reviewer turned down
SUGGESTIONS_SHOWN = 25


def _rejected(folder: Path) -> set[tuple[str, str, str]]:
    """(lang, span, concept) triples rejected earlier (kept across sessions)."""
    import json

    try:
        data = json.loads((folder / REJECTED).read_text(encoding="utf-8"))
        return {(str(a), str(b), str(c)) for a, b, c in data}
    except (OSError, ValueError, TypeError):
        return set()


def _decide(target: tuple[str, int], lang: str, span: str, concept: str,
            accepted: bool) -> None:
    """Accept (add ``span`` as a variant of ``concept``: a new version) or reject a
    suggestion (remembered in the glossary folder)."""
    import json

    from workbench.glossary.csvio import atomic_write_text
    from workbench.glossary.suggest import accept

    name, version = target
    folder = glossary_dir()
    try:
        if accepted:
            _store(name, accept(_stored(name, version)[0], [(span, concept)], lang), version)
            _reset(name)
            flash(f"“{span}” added to {name} as a {lang} variant of {concept}")
        else:
            rejected = _rejected(folder) | {(lang, span, concept)}
            atomic_write_text(folder / REJECTED,
                              json.dumps(sorted(rejected), ensure_ascii=False, indent=0))
            flash(f"“{span}” rejected for {concept}; it will not be suggested again", "info")
    except WorkbenchError as exc:
        flash(str(exc), "error")
        return
    ss.gl_suggestions = [s for s in ss.get("gl_suggestions") or []
                         if (s["span"], s["concept"]) != (span, concept)]


def _suggest_section(glossary, target: tuple[str, int]) -> None:
    from workbench.glossary.suggest import suggest

    with st.expander("Discover spelling variants in the project",
                     expanded=bool(ss.get("gl_suggestions"))):
        with db() as project:
            sources = queries.source_langs(project)
            langs = sources + sorted(set(queries.target_langs(project)) - set(sources))
        if not langs:
            st.caption("No documents yet.")
            return
        # the source language first (the default): names are spelled there before any MT
        lang = st.selectbox("Language of the text to search", langs, key="gl_sug_lang")
        if st.button("Find variants", key="gl_sug_run"):
            with db() as project:
                lines = queries.texts_in(project, lang)
            rejected = _rejected(glossary_dir())
            seen: dict[tuple[str, str], dict] = {}
            for s in suggest(glossary, lines, lang):
                if (lang, s.span, s.concept) not in rejected:
                    seen.setdefault((s.span, s.concept), {"lang": lang, "span": s.span,
                                                          "concept": s.concept, "form": s.form,
                                                          "score": s.score, "count": 0})
                    seen[(s.span, s.concept)]["count"] += 1
            ss.gl_suggestions = list(seen.values())
        found = ss.get("gl_suggestions")
        if found is None:
            st.caption("Press “Find variants” to look for spellings close to a glossary term.")
            return
        if not found:
            st.caption("No suggestions left.")
            return
        st.caption(f"{len(found)} suggestion(s), best first"
                   + (f"; the first {SUGGESTIONS_SHOWN} shown" if len(found) > SUGGESTIONS_SHOWN
                      else ""))
        for i, sug in enumerate(found[:SUGGESTIONS_SHOWN]):
            row = st.container(horizontal=True, vertical_alignment="center")
            row.markdown(md_escape(f"“{sug['span']}” ({sug['count']}×) → {sug['concept']} "
                                   f"(like “{sug['form']}”, score {sug['score']:.2f})"))
            args = (target, sug["lang"], sug["span"], sug["concept"])
            row.button("Accept", key=f"gl_sug_ok_{i}", icon=":material/check:",
                       on_click=_decide, args=(*args, True),
                       help=f"Add as a {sug['lang']} variant of {sug['concept']}")
            row.button("Reject", key=f"gl_sug_no_{i}", icon=":material/close:",
                       on_click=_decide, args=(*args, False), help="Do not suggest it again")


def main() -> None:
    st.title("Glossary")
    open_or_stop()
    show_flashes()
    try:
        import workbench.glossary  # noqa: F401
    except ImportError:
        st.warning("The glossary module is not available in this build.")
        return
    folder = glossary_dir()
    try:
        _, versions, notes = project_glossary()  # files edited on disk are taken in first
    except WorkbenchError as exc:
        show_error(exc)
        return
    for note in notes:
        st.warning(md_escape(note))
    files = [f"{v.name}.csv" for v in versions]
    st.caption("Kept in the project database (every save a new version); copies in "
               + md_escape(str(folder)))
    with st.sidebar:
        st.text_input("New glossary file", key="gl_new_name", placeholder="names")
        st.button("Create", key="gl_new", on_click=_new_file)
    if not files:
        st.info("No glossary CSV yet: create one in the sidebar.")
        return
    if ss.get("gl_file") not in files:
        ss.gl_file = files[0]
    name = st.selectbox("File", files, key="gl_file")
    from workbench.glossary.project import glossary_of

    with db() as project:
        newest = project.glossary_version(name.removesuffix(".csv"))
    glossary, version = glossary_of(newest), newest.version
    if name not in ss.gl_draft and ss.gl_base_version.get(name) not in (None, version):
        _reset(name)  # saved meanwhile (elsewhere too): the table shows the newest
    st.caption(md_escape(f"Version {version}, saved by {newest.author or 'someone'} at "
                         f"{newest.created_at} (sha256:{newest.digest[:12]})"))
    target = (name, version)
    _find_section(glossary, target)
    _new_concept_section(glossary, target)
    _table_section(glossary, target)
    _renormalise_section(glossary, name)
    _suggest_section(glossary, target)


def _table_section(glossary, target: tuple[str, int]) -> None:
    """Every row of the glossary in one editable table (validated, saved as a new version)."""
    name = target[0]
    with st.expander(f"All rows of {name} (table)", expanded=name in ss.gl_draft):
        _table(glossary, target)


def _table(glossary, target: tuple[str, int]) -> None:
    name, version = target
    editor_key = f"gl_ed_{name}_{ss.gl_gen.get(name, 0)}"
    if editor_key not in ss or name not in ss.gl_base:
        ss.setdefault("gl_from_draft", set())
        if name in ss.gl_draft:
            base = ss.gl_draft[name]
            ss.gl_from_draft.add(name)
        else:
            ss.gl_from_draft.discard(name)
            base = _frame(glossary)
            ss.gl_base_version[name] = version
        ss.gl_base[name] = base
    ss.gl_base_version.setdefault(name, version)
    edited = st.data_editor(
        ss.gl_base[name], key=editor_key, num_rows="dynamic", width="stretch", hide_index=True,
        column_config={
            "concept": st.column_config.TextColumn("Concept id", required=True),
            "lang": st.column_config.TextColumn("Lang", max_chars=2, required=True),
            "term": st.column_config.TextColumn("Term", required=True),
            "status": st.column_config.SelectboxColumn("Status", options=["preferred", "variant"],
                                                       required=True, default="variant"),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    edited = pl.DataFrame(edited) if not isinstance(edited, pl.DataFrame) else edited
    changed = not edited.equals(ss.gl_base[name])
    if changed:
        ss.gl_draft[name] = edited
    elif name not in ss.get("gl_from_draft", set()):
        ss.gl_draft.pop(name, None)  # edits undone by hand: nothing left to save
    buttons = st.container(horizontal=True)
    save = buttons.button("Save", type="primary", key="gl_save", disabled=not changed
                          and name not in ss.gl_draft)
    if buttons.button("Discard changes", key="gl_discard", disabled=name not in ss.gl_draft):
        _reset(name)
        st.rerun()
    if save:
        if _save(name, edited):
            _reset(name)
            st.rerun()
    elif name in ss.gl_draft:
        st.caption("Unsaved changes.")


main()
