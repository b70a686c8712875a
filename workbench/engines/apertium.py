"""Apertium (rule-based, Debian packages) as a fallback engine.

Installed modes are discovered with ``apertium -l``; pairs missing a direct
mode are chained through pivots (``fr→en`` = ``fr-es`` then ``spa-eng``).
A batch runs as one ``apertium`` process per hop: segments are joined with
blank lines, which Apertium's text deformatter turns into sentence
boundaries, so words never move from one segment to another and the number
of segments is checked on the way back.

With ``long_lived=True`` (what the executors' workers use) each mode's programs
are started once and kept: :class:`Pipeline` runs the mode in Apertium's
null-flush mode (``apertium-wblank-mode -z``), feeds it one deformatted batch
at a time ended by a NUL and reads up to the NUL that comes back, so the
dictionaries and transfer rules are loaded once per worker instead of once per
batch and hop. The deformatter and reformatter (``apertium-destxt``,
``apertium-retxt``, which do not pass NULs on) still run per batch; they load
nothing. The output is the same as the one-process-per-batch path's.

Apertium marks words it could not handle: ``*word`` (not in the source
dictionary), ``@word`` (no bilingual entry), ``#word`` (cannot generate). The
marks are removed from the text and the words are recorded in
``meta["low_confidence"]`` so that review can point at them.
"""

from __future__ import annotations

import hashlib
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
import weakref
from collections import deque
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.engines import Pair, Provenance, TranslationResult, unsupported
from workbench.errors import EngineError

NAME = "apertium"
INSTALL_HINT = "install it with `apt-get install apertium apertium-fr-es apertium-eng-spa`"
MAX_HOPS = 3
TIMEOUT_S = 600

#: Apertium's three-letter codes (ISO 639-3/2T) mapped to the workbench's ISO 639-1.
ISO3_TO_1 = {
    "eng": "en", "spa": "es", "fra": "fr", "fre": "fr", "cat": "ca", "por": "pt", "ita": "it",
    "deu": "de", "ger": "de", "oci": "oc", "glg": "gl", "eus": "eu", "baq": "eu", "ron": "ro",
    "rum": "ro", "nld": "nl", "dut": "nl", "arg": "an", "ast": "ast", "epo": "eo", "nob": "nb",
    "nno": "nn", "swe": "sv", "dan": "da", "isl": "is", "bre": "br", "cym": "cy", "wel": "cy",
    "gle": "ga", "rus": "ru", "ukr": "uk", "bel": "be", "pol": "pl", "ces": "cs", "slk": "sk",
    "slv": "sl", "hrv": "hr", "srp": "sr", "bos": "bs", "mkd": "mk", "bul": "bg", "ell": "el",
    "tur": "tr", "kaz": "kk", "tat": "tt", "ara": "ar", "heb": "he", "mlt": "mt", "hin": "hi",
    "urd": "ur", "ind": "id", "msa": "ms", "zlm": "ms", "afr": "af", "fin": "fi", "est": "et",
    "hun": "hu", "lit": "lt", "lav": "lv", "sme": "se", "srd": "sc", "cos": "co", "fao": "fo",
}
_MARK_REASON = {"*": "unknown", "@": "untranslated", "#": "not generated"}
# A mark at the start of a word (not inside one: e-mail addresses keep their @).
_MARKED = re.compile(r"(?<![\w*@#])([*@#]+)(\w[\w'’\-.]*\w|\w)")
_NEWLINES = re.compile(r"\s*[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\s*")


def to_iso1(code: str) -> str | None:
    """``spa`` -> ``es``; two-letter codes unchanged; variants (``spa-eng_US``) -> None."""
    if "_" in code or not code.isalpha():
        return None
    if len(code) == 2:
        return code.lower()
    return ISO3_TO_1.get(code.lower())


def parse_modes(listing: str) -> dict[tuple[str, str], str]:
    """Direct pairs from ``apertium -l`` output: ``(src, tgt) -> mode name``.

    Variant modes (``spa-eng_US``, ``eco-fr-es``) are ignored; when a pair has
    both a two- and a three-letter mode the first listed wins.
    """
    modes: dict[tuple[str, str], str] = {}
    for line in listing.split():
        parts = line.strip().split("-")
        if len(parts) != 2:
            continue
        src, tgt = to_iso1(parts[0]), to_iso1(parts[1])
        if src and tgt and src != tgt:
            modes.setdefault((src, tgt), line.strip())
    return modes


def routes(direct: dict[tuple[str, str], str], max_hops: int = MAX_HOPS) -> dict[tuple[str, str], list[str]]:
    """Shortest chain of languages for every reachable pair (breadth-first)."""
    graph: dict[str, list[str]] = {}
    for src, tgt in direct:
        graph.setdefault(src, []).append(tgt)
    found: dict[tuple[str, str], list[str]] = {}
    for start in graph:
        queue = deque([[start]])
        while queue:
            path = queue.popleft()
            if len(path) > max_hops:
                continue
            for nxt in sorted(graph.get(path[-1], [])):
                if nxt in path:
                    continue
                chain = [*path, nxt]
                found.setdefault((start, nxt), chain)
                queue.append(chain)
    return found


def strip_marks(text: str, source: str = "") -> tuple[str, list[dict[str, str]]]:
    """Remove Apertium's unknown-word marks; return the clean text and the marked words.

    A ``#word`` or ``@word`` that is already in ``source`` (a hashtag, a
    handle) is left alone.
    """
    words: list[dict[str, str]] = []

    def repl(m: re.Match[str]) -> str:
        run, word = m.group(1), m.group(2)
        literal = run.replace("*", "")
        if not (literal and f"{literal}{word}" in source):
            literal = ""
        marks = run.replace(literal, "", 1) if literal else run
        for mark in dict.fromkeys(marks):
            words.append({"word": word, "reason": _MARK_REASON[mark]})
        return literal + word

    return _MARKED.sub(repl, text), words


def join_batch(texts: list[str]) -> str:
    """Segments as blank-line separated paragraphs (inner line breaks become spaces)."""
    return "\n\n".join(_NEWLINES.sub(" ", t).strip() for t in texts) + "\n"


def split_batch(output: str, expected: int) -> list[str] | None:
    """Inverse of :func:`join_batch`; ``None`` when the count does not match."""
    pieces = [p.strip() for p in re.split(r"\n[ \t]*\n", output.strip("\n"))]
    return pieces if len(pieces) == expected else None


class ApertiumEngine:
    """Apertium modes, chained through pivots where needed."""

    name = NAME

    def __init__(self, executable: str | None = None, *, long_lived: bool = False, **_: Any) -> None:
        self._exe = executable
        self.long_lived = long_lived
        self._pipelines: dict[str, Pipeline] = {}

    # -- discovery ---------------------------------------------------------

    def executable(self) -> str:
        exe = self._exe or shutil.which("apertium")
        if not exe:
            raise EngineError(f"Apertium is not installed (no `apertium` on PATH); {INSTALL_HINT}")
        return exe

    def modes(self) -> dict[tuple[str, str], str]:
        return _modes(self.executable())

    def pairs(self) -> list[Pair]:
        chains = routes(self.modes())
        out = [Pair(src, tgt, tuple(chain[1:-1])) for (src, tgt), chain in chains.items()]
        return sorted(out, key=lambda p: (len(p.via), p.src, p.tgt))

    def chain(self, src: str, tgt: str) -> list[str]:
        """Mode names to run in order for ``src→tgt``."""
        modes = self.modes()
        found = routes(modes).get((src, tgt))
        if found is None:
            raise unsupported(NAME, src, tgt, self.pairs(),
                              hint=f"Add the language data ({INSTALL_HINT})")
        return [modes[(a, b)] for a, b in zip(found, found[1:])]

    def describe(self, src: str, tgt: str) -> Provenance:
        modes = self.chain(src, tgt)
        exe = self.executable()
        version = "+".join(f"{m}={_mode_version(exe, m)}" for m in modes)
        return Provenance(NAME, "apertium:" + "|".join(modes), version)

    # -- translation -------------------------------------------------------

    def translate(self, texts: list[str], src: str, tgt: str) -> list[TranslationResult]:
        prov = self.describe(src, tgt)
        modes = self.chain(src, tgt)
        route = [src, *(m for m in _route_langs(self.modes(), modes)), tgt]
        current = list(texts)
        flagged: list[list[dict[str, str]]] = [[] for _ in texts]
        for mode in modes:
            live = [i for i, t in enumerate(current) if t.strip()]
            outputs = self._run_batch(mode, [current[i] for i in live])
            for i, out in zip(live, outputs):
                clean, words = strip_marks(out, current[i])
                current[i] = clean
                for w in words:
                    if w not in flagged[i]:
                        flagged[i].append(w)
            for i, t in enumerate(current):
                if not t.strip():
                    current[i] = ""
        results = []
        for text, words in zip(current, flagged):
            meta: dict[str, Any] = {"route": route}
            if words:
                meta["low_confidence"] = words
            results.append(TranslationResult(text, prov.engine, prov.model, prov.model_version, meta))
        return results

    def _run_batch(self, mode: str, texts: list[str]) -> list[str]:
        """One process for the whole batch; falls back to halves if segments got merged."""
        if not texts:
            return []
        out = split_batch(self._run(mode, join_batch(texts)), len(texts))
        if out is not None:
            return out
        if len(texts) == 1:  # pragma: no cover - one segment cannot be mis-split
            raise EngineError(f"apertium {mode} returned an unreadable result for {texts[0]!r}")
        mid = len(texts) // 2
        return self._run_batch(mode, texts[:mid]) + self._run_batch(mode, texts[mid:])

    def _run(self, mode: str, text: str) -> str:
        if self.long_lived and _tool(self.executable(), "apertium-wblank-mode"):
            pipe = self._pipelines.get(mode)
            if pipe is None or not pipe.alive():
                pipe = self._pipelines[mode] = Pipeline(self.executable(), mode)
            return pipe.translate(text)
        try:
            proc = subprocess.run(
                [self.executable(), "-f", "txt", mode], input=text.encode("utf-8"),
                capture_output=True, timeout=TIMEOUT_S, check=False,
            )
        except FileNotFoundError as exc:
            raise EngineError(f"Apertium is not installed ({exc}); {INSTALL_HINT}") from exc
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"apertium {mode} took longer than {TIMEOUT_S}s on one batch; "
                              "use a smaller --batch-size") from exc
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()
            raise EngineError(f"apertium {mode} failed (exit {proc.returncode}): {err[:500]}")
        return proc.stdout.decode("utf-8", "replace")


    def cpu_seconds(self) -> float:
        """CPU-seconds used so far by the long-lived pipelines' processes (0 without them)."""
        return sum(p.cpu_seconds() for p in self._pipelines.values())

    def close(self) -> None:
        """Stop the long-lived pipelines (they also stop when the engine is collected)."""
        for pipe in self._pipelines.values():
            pipe.close()
        self._pipelines.clear()


class Pipeline:
    """One Apertium mode's programs, started once, translating batch after batch.

    The mode's programs run in null-flush mode in their own session (so a timeout
    can stop all of them); each batch goes through ``apertium-destxt``, then the
    pipeline (input ended by a NUL, output read up to the NUL it passes on), then
    ``apertium-retxt``: what ``apertium -f txt MODE`` does in one process per batch.
    """

    def __init__(self, exe: str, mode: str) -> None:
        self.mode = mode
        mode_file = _datadir(exe) / "modes" / f"{mode}.mode"
        self._exe = exe
        try:
            script = subprocess.run([_tool(exe, "apertium-wblank-mode") or "apertium-wblank-mode",
                                     "-z", str(mode_file)],
                                    capture_output=True, text=True, timeout=60, check=True).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineError(f"cannot read the Apertium mode {mode_file}: {exc}; {INSTALL_HINT}") from exc
        self._env = {**os.environ, "LC_CTYPE": _utf8_locale()}
        self._stderr = tempfile.TemporaryFile()
        # $1 is the generator's option (-g: mark unknown words, as `apertium` does), $2 the tagger's.
        self._proc = subprocess.Popen(
            ["bash", "-c", script, "apertium", "-g", ""], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._stderr, env=self._env, start_new_session=True)
        self._finalizer = weakref.finalize(self, _stop, self._proc, self._stderr)

    def alive(self) -> bool:
        return self._proc.poll() is None

    def translate(self, text: str) -> str:
        """``apertium -f txt MODE`` on ``text``, through the running programs."""
        data = self._format("apertium-destxt", text.encode("utf-8"))
        return self._format("apertium-retxt", self._through(data)).decode("utf-8", "replace")

    def _format(self, tool: str, data: bytes) -> bytes:
        try:
            proc = subprocess.run([_tool(self._exe, tool) or tool], input=data, capture_output=True,
                                  timeout=TIMEOUT_S, check=False, env=self._env)
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineError(f"{tool} failed: {exc}; {INSTALL_HINT}") from exc
        if proc.returncode != 0:
            raise EngineError(f"{tool} failed (exit {proc.returncode}): "
                              f"{proc.stderr.decode('utf-8', 'replace').strip()[:500]}")
        return proc.stdout

    def _through(self, data: bytes) -> bytes:
        """One NUL-ended block in, one out; a writer thread feeds the input meanwhile (a
        large batch would otherwise fill both pipes and stop both sides)."""
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None

        def feed() -> None:
            try:
                proc.stdin.write(data + b"\0")
                proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass  # the pipeline died; the reader reports it
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out = bytearray()
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + TIMEOUT_S
        while not out.endswith(b"\0"):
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise EngineError(f"apertium {self.mode} took longer than {TIMEOUT_S}s on one "
                                  "batch; use a smaller --batch-size")
            if not select.select([fd], [], [], min(left, 5.0))[0]:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                writer.join(5)
                self.close()
                self._stderr.seek(0)
                err = self._stderr.read().decode("utf-8", "replace").strip()
                raise EngineError(f"apertium {self.mode} stopped (exit {proc.returncode}): {err[:500]}")
            out += chunk
        writer.join()
        return bytes(out[:-1])

    def cpu_seconds(self) -> float:
        """CPU-seconds of the pipeline's processes (its session), from /proc; 0 elsewhere."""
        return _session_cpu(self._proc.pid) if self.alive() else 0.0

    def close(self) -> None:
        self._finalizer()


def _stop(proc: subprocess.Popen[bytes], stderr: Any) -> None:
    """End of input, then the whole session killed if it does not stop within 5 s."""
    try:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, 9)
        except OSError:
            pass
        proc.wait()
    if proc.stdout:
        proc.stdout.close()
    stderr.close()


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _session_cpu(sid: int) -> float:
    """User + system CPU-seconds of the live processes of session ``sid`` (Linux)."""
    ticks = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after the command: state ppid pgrp session ... utime(12) stime(13) cutime cstime
        if int(fields[3]) == sid:
            ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ticks / _TICK


@lru_cache(maxsize=16)
def _tool(exe: str, name: str) -> str | None:
    """An Apertium program beside ``exe``, else on PATH (None: not installed; an Apertium
    older than 3.7 has no ``apertium-wblank-mode``, and then runs a process per batch)."""
    return shutil.which(name, path=str(Path(exe).resolve().parent)) or shutil.which(name)


def _datadir(exe: str) -> Path:
    """Where the ``apertium`` script finds its modes (``APERTIUM_DATADIR`` or beside it)."""
    if os.environ.get("APERTIUM_DATADIR"):
        return Path(os.environ["APERTIUM_DATADIR"])
    for base in (Path(exe).resolve().parent.parent / "share/apertium", Path("/usr/share/apertium"),
                 Path("/usr/local/share/apertium")):
        if (base / "modes").is_dir():
            return base
    return Path("/usr/share/apertium")


@lru_cache(maxsize=1)
def _utf8_locale() -> str:
    """The first UTF-8 locale, as the ``apertium`` script picks it."""
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        names = ""
    return next((n for n in names.split() if re.search(r"utf[.-]*8", n, re.I)), "C.UTF-8")


def _route_langs(modes: dict[tuple[str, str], str], chain: list[str]) -> list[str]:
    by_mode = {m: pair for pair, m in modes.items()}
    return [by_mode[m][1] for m in chain[:-1]]


@lru_cache(maxsize=8)
def _modes(exe: str) -> dict[tuple[str, str], str]:
    try:
        proc = subprocess.run([exe, "-l"], capture_output=True, timeout=60, check=False)
    except OSError as exc:
        raise EngineError(f"cannot run {exe}: {exc}; {INSTALL_HINT}") from exc
    modes = parse_modes(proc.stdout.decode("utf-8", "replace"))
    if not modes:
        raise EngineError(f"Apertium is installed but has no language pairs; {INSTALL_HINT}")
    return modes


@lru_cache(maxsize=32)
def _mode_version(exe: str, mode: str) -> str:
    """The Debian package version of a mode's data, else a hash of the mode file."""
    for modes_dir in (Path(exe).resolve().parent.parent / "share/apertium/modes",
                      Path("/usr/share/apertium/modes"), Path("/usr/local/share/apertium/modes")):
        mode_file = modes_dir / f"{mode}.mode"
        if mode_file.is_file():
            break
    else:
        return "unknown"
    dpkg = shutil.which("dpkg-query")
    if dpkg:
        try:
            owner = subprocess.run([dpkg, "-S", str(mode_file)], capture_output=True,
                                   text=True, timeout=30, check=False)
            pkg = owner.stdout.split(":", 1)[0].strip() if owner.returncode == 0 else ""
            if pkg:
                ver = subprocess.run([dpkg, "-W", "-f", "${Version}", pkg], capture_output=True,
                                     text=True, timeout=30, check=False)
                if ver.returncode == 0 and ver.stdout.strip():
                    return f"{pkg}-{ver.stdout.strip()}"
        except (OSError, subprocess.TimeoutExpired):
            pass
    return "sha1-" + hashlib.sha1(mode_file.read_bytes()).hexdigest()[:10]
