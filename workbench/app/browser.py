"""The small pieces of the app that have to run in the browser (Streamlit components v2).

Widgets alone cannot move the keyboard focus, catch shortcuts or keep unsaved
text across a reload, so the Review page mounts :func:`review_keys` once: a
script (no markup) that

- puts the cursor in the editor of the segment the server names (``focus``,
  re-applied whenever ``n`` changes) and keeps it in view (centred when it was not
  wholly visible; the page does not move when it was);
- turns the review shortcuts into one trigger value ``action`` =
  ``{"op", "seg", "text", "id"}`` carrying the editor's text as typed, so a
  shortcut saves and moves in one round trip (nothing is lost to a text area
  that has not committed its value yet);
- copies the machine translation (Ctrl+Shift+M), the glossary's preferred
  forms (Ctrl+Shift+G) or memory match 1, 2 or 3 (Ctrl+1/2/3, the targets the
  server lists as ``tm`` of the segment) into the editor, as if typed;
- keeps every unsaved edit in ``localStorage`` until the server shows a newer
  version, and puts it back after a reload;
- writes the focused segment into the address (``seg=``) so a reload or a
  shared link lands on it, and tells the server (``action`` ``{"op": "focus"}``)
  when the reviewer focuses another editor with the mouse or Tab, so that the
  panels of the focused segment (memory matches, Ctrl+1/2/3) follow the cursor.

:func:`remember_reviewer` keeps the reviewer's name in the browser. Nothing
here fetches anything from any host.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

#: The review shortcuts: (keys, what they do), shown on the page and in the README.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+Enter", "save, approve and move to the next matching segment"),
    ("Alt+↓ / Alt+↑", "save and move to the next / previous segment without approving"),
    ("Ctrl+Shift+Enter", "save and flag the segment"),
    ("Ctrl+Alt+Z", "undo the last change of the segment (again: one more version back)"),
    ("Ctrl+Shift+M", "copy the machine translation into the editor"),
    ("Ctrl+Shift+G", "replace wrong glossary forms with the preferred ones"),
    ("Ctrl+1 / Ctrl+2 / Ctrl+3", "put memory match 1, 2 or 3 into the editor"),
    ("Ctrl+Alt+R", "give the text just approved to its repetitions not reviewed yet"),
    ("F1 or ?", "show or hide this list"),
)

_KEYS_JS = r"""
export default function (component) {
  const { data, setTriggerValue } = component;
  const doc = document;
  const W = window.__wbReview = window.__wbReview || { n: -1, seq: 0 };
  W.data = data; W.send = setTriggerValue;
  if (W.asked === data.focus) W.asked = null;  // the server moved its focus as asked
  const draftKey = (seg) => `wb-draft:${data.project}:${data.lang}:${seg}`;
  const segOf = (el) => {
    const box = el && el.closest ? el.closest('[class*="st-key-rv_seg_"]') : null;
    const m = box && box.className.match(/st-key-rv_seg_(\d+)/);
    return m ? Number(m[1]) : null;
  };
  const editor = (seg) => {
    const info = (W.data.segs || {})[seg];
    if (!info) return null;
    return doc.querySelector(`.st-key-rv_text_${seg}_${info.v} textarea`);
  };
  const setText = (area, text) => {  // as if typed: React sees the change
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
    setter.call(area, text);
    area.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const setAddress = (seg) => {
    const url = new URL(window.location.href);
    if (url.searchParams.get('seg') === String(seg)) return;
    url.searchParams.set('seg', String(seg));
    window.history.replaceState(window.history.state, '', url);
  };
  if (!W.installed) {
    W.installed = true;
    doc.addEventListener('keydown', (e) => {
      const d = W.data; if (!d) return;
      const inField = e.target && /^(TEXTAREA|INPUT|SELECT)$/.test(e.target.tagName);
      if (e.key === 'F1' || (e.key === '?' && !inField)) {
        e.preventDefault();
        const help = doc.querySelector('.st-key-rv_shortcuts button, .st-key-rv_shortcuts summary');
        if (help) help.click();
        return;
      }
      const k = e.key.toLowerCase();
      let op = null;
      if (e.ctrlKey && e.shiftKey && k === 'enter') op = 'flag';
      else if (e.ctrlKey && !e.altKey && k === 'enter') op = 'approve';
      else if (e.altKey && !e.ctrlKey && k === 'arrowdown') op = 'next';
      else if (e.altKey && !e.ctrlKey && k === 'arrowup') op = 'prev';
      else if (e.ctrlKey && e.altKey && k === 'z') op = 'undo';
      else if (e.ctrlKey && e.shiftKey && k === 'm') op = 'mt';
      else if (e.ctrlKey && e.shiftKey && k === 'g') op = 'fix';
      else if (e.ctrlKey && !e.shiftKey && !e.altKey && /^Digit[123]$/.test(e.code)) op = 'tm';
      else if (e.ctrlKey && e.altKey && !e.shiftKey && k === 'r') op = 'reps';
      if (!op) return;
      const seg = segOf(doc.activeElement) ?? W.focused ?? d.focus;
      if (seg == null || !(d.segs || {})[seg]) return;
      e.preventDefault(); e.stopPropagation(); e.stopImmediatePropagation();
      const area = editor(seg);
      if (op === 'mt' || op === 'fix' || op === 'tm') {
        if (!area) return;
        let text = area.value;
        if (op === 'mt') text = d.segs[seg].mt || text;
        else if (op === 'tm') text = (d.segs[seg].tm || [])[Number(e.code.slice(5)) - 1] ?? text;
        else for (const [wrong, right] of d.segs[seg].fixes || []) text = text.split(wrong).join(right);
        setText(area, text); area.focus();
        return;
      }
      W.seq += 1;
      W.send('action', { op, seg, text: area ? area.value : null, id: `${Date.now()}-${W.seq}` });
    }, true);
    doc.addEventListener('focusin', (e) => {
      const seg = segOf(e.target);
      if (seg == null || e.target.tagName !== 'TEXTAREA') return;
      W.focused = seg; setAddress(seg);
      const d = W.data;  // focused by the mouse or Tab: the server draws its panels there
      if (d && seg !== d.focus && seg !== W.asked && (d.segs || {})[seg]) {
        W.asked = seg; W.seq += 1;
        W.send('action', { op: 'focus', seg, text: null, id: `${Date.now()}-${W.seq}` });
      }
    });
    doc.addEventListener('input', (e) => {
      const seg = segOf(e.target);
      const info = seg != null ? (W.data.segs || {})[seg] : null;
      if (!info || e.target.tagName !== 'TEXTAREA') return;
      try {
        localStorage.setItem(draftKey(seg), JSON.stringify({ v: info.v, t: e.target.value }));
      } catch (err) { /* storage full or off: the page still saves on blur */ }
    });
  }
  // Unsaved edits: put back the ones of the version shown, forget older ones. An editor
  // may not be in the page yet when this runs (Streamlit renders in any order): retry.
  const restore = (tries) => {
    let missing = false;
    for (const [seg, info] of Object.entries(data.segs || {})) {
      let draft = null;
      try { draft = JSON.parse(localStorage.getItem(draftKey(seg)) || 'null'); } catch (err) {}
      if (!draft) continue;
      if (draft.v !== info.v || draft.t === info.text) { localStorage.removeItem(draftKey(seg)); continue; }
      const area = editor(seg);
      if (!area) { missing = true; continue; }
      if (area.value !== draft.t) {
        setText(area, draft.t);
        area.closest('[class*="st-key-rv_text_"]').classList.add('wb-draft');
      }
    }
    if (missing && tries < 50 && W.data === data) setTimeout(() => restore(tries + 1), 100);
  };
  restore(0);
  if (data.n !== W.n && data.focus != null) {
    const want = data.n;
    let tries = 0;
    const place = () => {
      if (W.n === want) return;
      const area = editor(data.focus);
      if (area) {
        W.n = want; W.focused = data.focus;
        area.focus({ preventScroll: true });
        area.setSelectionRange(area.value.length, area.value.length);
        const box = area.closest('[class*="st-key-rv_seg_"]') || area;
        const r = box.getBoundingClientRect();  // scrolled only when not wholly in view
        if (r.top < 0 || r.bottom > window.innerHeight) box.scrollIntoView({ block: 'center' });
        setAddress(data.focus);
      } else if (++tries < 100) setTimeout(place, 30);
    };
    place();
  }
}
"""

_REVIEWER_JS = r"""
export default function (component) {
  const { data, setStateValue } = component;
  try {
    if (data.name) localStorage.setItem('wb-reviewer', data.name);
    else {
      const known = localStorage.getItem('wb-reviewer');
      if (known) setStateValue('name', known);
    }
  } catch (err) { /* no storage: the name is asked again next time */ }
}
"""

_SESSION_JS = r"""
export default function (component) {
  const { data } = component;
  // The login's random token, so that a reload or a second tab stays logged in; only this
  // site gets it back (SameSite=Strict), and it dies with the browser session.
  document.cookie = 'wb_session=' + encodeURIComponent(data.token || '') + '; path=/; SameSite=Strict'
                    + (data.token ? '' : '; max-age=0');
}
"""

_review_keys = st.components.v2.component("workbench.review_keys", js=_KEYS_JS)
_session = st.components.v2.component("workbench.session", js=_SESSION_JS)


def remember_login(token: str) -> None:
    """Keep the login's token in a browser-session cookie (empty: forget it)."""
    _session(key="session_cookie", data={"token": token}, height=0)
_reviewer = st.components.v2.component("workbench.reviewer", js=_REVIEWER_JS)


def review_keys(data: dict[str, Any], on_action) -> dict | None:
    """Mount the keyboard script of the Review page; ``on_action`` runs (as a callback,
    before the page) when a shortcut fires; the action is :func:`last_action`."""
    _review_keys(key="rv_keys", data=data, height=0, on_action_change=on_action)


def last_action() -> dict | None:
    """The action the keyboard script sent in this run, if any."""
    state = st.session_state.get("rv_keys")
    return getattr(state, "action", None) if state is not None else None


def remember_reviewer(name: str | None) -> str | None:
    """Keep ``name`` in the browser; with none yet, the name remembered there (next run)."""
    result = _reviewer(key="reviewer_memory", data={"name": name or ""}, height=0,
                       on_name_change=lambda: None)
    return getattr(result, "name", None)
