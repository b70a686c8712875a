"""Argos Translate models run directly through CTranslate2 and SentencePiece.

Model management goes through ``argostranslate.package`` (the package
format: a zip archive, ``.argosmodel``, holding one folder with
``metadata.json``, a CTranslate2 model in ``model/`` and ``sentencepiece.model``
or ``bpe.model``). Translation does *not* use ``argostranslate.translate``
(which pulls in stanza and splits sentences itself): segments are already
sentences, so they are tokenised and sent to ``Translator.translate_batch`` in
batches. Translators are loaded once per process and cached.

Packages live in ``$ARGOS_PACKAGES_DIR`` (read at call time) or Argos's own
default (``~/.local/share/argos-translate/packages``), so packages installed by
``argospm`` and by the workbench are the same packages. Decoding follows
argostranslate (beam 4, length penalty 0.2, batches counted in tokens) and its
``ARGOS_*`` settings (:func:`decode_settings`); the output is argostranslate's
(tests/engines/test_argos_parity.py) except that real underscores are kept and a
target-prefix token is dropped before decoding.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from workbench.engines import Pair, Provenance, TranslationResult, find_pair, unsupported
from workbench.errors import EngineError, ModelError, OfflineError

NAME = "argos"
PIVOT = "en"
DEVICES = ("auto", "cpu", "cuda")
MAX_UNPACKED_BYTES = 4 * 1024**3  # a real model is a few hundred MB
MAX_MEMBERS = 10_000
INSTALL_HINT = ("install one with `workbench models install FROM TO` (online) or "
                "`workbench models install --file X.argosmodel`")

_lock = threading.Lock()
_translators: dict[tuple, Any] = {}
_tokenizers: dict[str, Any] = {}


# -- packages --------------------------------------------------------------


def _package_module() -> Any:
    """``argostranslate.package`` (never ``argostranslate.translate``: it pulls in stanza)."""
    try:
        from argostranslate import package
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ModelError(f"argostranslate is not installed ({exc}); "
                         "pip install argostranslate --no-deps") from exc
    return package


def packages_dir() -> Path:
    """Where Argos packages are installed (``$ARGOS_PACKAGES_DIR`` wins, read now)."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env)
    from argostranslate import settings

    return Path(settings.package_data_dir)


@dataclass(frozen=True)
class ArgosModel:
    """An installed Argos translation package."""

    from_code: str
    to_code: str
    package_version: str
    name: str
    path: Path
    model_version: str
    target_prefix: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_code, self.to_code)

    @property
    def tokenizer(self) -> str:
        """``sentencepiece`` or ``bpe`` (what argostranslate picks: SentencePiece first)."""
        return "sentencepiece" if (self.path / "sentencepiece.model").is_file() else "bpe"


_fingerprints: dict[tuple, str] = {}


def _fingerprint(path: Path) -> str:
    """Short hash of a package's metadata, vocabularies and model size/ends (cached on stat)."""
    stamp = tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.is_file() else None
                  for f in (path / "metadata.json", path / "model" / "model.bin"))
    key = (str(path), stamp)
    if key not in _fingerprints:
        _fingerprints[key] = _hash_package(path)
    return _fingerprints[key]


def _hash_package(path: Path) -> str:
    """Metadata, tokenizer models, model config and vocabularies (whatever their format),
    and the weights' size and first and last MB."""
    h = hashlib.sha256()
    small = [path / "metadata.json", path / "sentencepiece.model", path / "bpe.model",
             *sorted(f for f in (path / "model").glob("*") if f.name != "model.bin")]
    for f in small:
        if f.is_file():
            h.update(f.relative_to(path).as_posix().encode())
            h.update(f.read_bytes())
    weights = path / "model" / "model.bin"
    if weights.is_file():
        size = weights.stat().st_size
        h.update(str(size).encode())
        with weights.open("rb") as fh:
            h.update(fh.read(1 << 20))
            fh.seek(max(0, size - (1 << 20)))
            h.update(fh.read(1 << 20))
    return h.hexdigest()[:10]


def _read_metadata(path: Path) -> dict[str, Any]:
    """``metadata.json`` of a package folder, which must hold a JSON object."""
    try:
        meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path} is not an Argos package: no metadata.json") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path} is not an Argos package: metadata.json is unreadable ({exc})") from exc
    if not isinstance(meta, dict):
        raise ModelError(f"{path} is not an Argos package: metadata.json holds a "
                         f"{type(meta).__name__}, not an object")
    return meta


def load_model(path: Path) -> ArgosModel:
    """Read one installed package folder; :class:`ModelError` when it is not usable."""
    package = _package_module()
    _read_metadata(path)  # argostranslate's Package fails with AttributeError on a non-object
    try:
        pkg = package.Package(path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path} is not an Argos package: {exc}") from exc
    if getattr(pkg, "type", "translate") != "translate" or not pkg.from_code or not pkg.to_code:
        raise ModelError(f"{path} is not a translation package (type {pkg.type!r})")
    if not (path / "model" / "model.bin").is_file():
        raise ModelError(f"{path} has no CTranslate2 model (model/model.bin)")
    if not ((path / "sentencepiece.model").is_file() or (path / "bpe.model").is_file()):
        raise ModelError(f"{path} has neither sentencepiece.model nor bpe.model")
    return ArgosModel(
        from_code=pkg.from_code, to_code=pkg.to_code,
        package_version=str(pkg.package_version or "0"), name=path.name, path=path,
        model_version=f"{pkg.package_version or '0'}-{_fingerprint(path)}",
        target_prefix=getattr(pkg, "target_prefix", "") or "",
    )


def installed_models(directory: Path | None = None) -> tuple[list[ArgosModel], list[tuple[Path, str]]]:
    """Installed translation packages, and the broken folders with the reason."""
    root = directory or packages_dir()
    models: list[ArgosModel] = []
    broken: list[tuple[Path, str]] = []
    if not root.is_dir():
        return models, broken
    for path in sorted(root.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            models.append(load_model(path))
        except ModelError as exc:
            broken.append((path, str(exc)))
    return models, broken


def check_archive(zf: zipfile.ZipFile, name: str = "archive") -> str:
    """Refuse unsafe or malformed ``.argosmodel`` archives; return the package folder name.

    Member names may start with ``./`` (archives zipped from inside a folder), as
    argostranslate accepts. Refused: absolute paths, ``..`` components, backslashes, symbolic links
    and other special files, several top-level folders, no ``metadata.json``,
    too many members or too many unpacked bytes (zip bombs).
    """
    infos = zf.infolist()
    if not infos:
        raise ModelError(f"{name} is an empty archive")
    if len(infos) > MAX_MEMBERS:
        raise ModelError(f"{name} has {len(infos)} members (limit {MAX_MEMBERS}); refused")
    members: set[str] = set()  # normalised names ("./pkg/x" -> "pkg/x")
    tops: set[str] = set()
    total = 0
    for info in infos:
        member = info.filename
        if "\\" in member or "\x00" in member:
            raise ModelError(f"{name}: member {member!r} has a backslash or NUL in its path; refused")
        if member.startswith("/") or (len(member) > 1 and member[1] == ":"):
            raise ModelError(f"{name}: member {member!r} has an absolute path; refused")
        parts = PurePosixPath(member).parts  # "./pkg/x" -> ("pkg", "x"), as unzip reads it
        members.add("/".join(parts))
        if ".." in parts:
            raise ModelError(f"{name}: member {member!r} points outside the package (..); refused")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ModelError(f"{name}: member {member!r} is a symbolic link; refused")
        if mode and stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise ModelError(f"{name}: member {member!r} is a special file; refused")
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise ModelError(f"{name} unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB; refused")
        if parts:
            tops.add(parts[0])
    if len(tops) != 1:
        raise ModelError(f"{name} must hold exactly one package folder (found {sorted(tops)})")
    top = tops.pop()
    if top in (".", "..") or top.startswith("."):
        raise ModelError(f"{name}: bad package folder name {top!r}")
    if f"{top}/metadata.json" not in members:
        raise ModelError(f"{name} has no {top}/metadata.json; not an Argos package")
    return top


def install_from_file(path: Path | str, directory: Path | None = None) -> ArgosModel:
    """Install a ``.argosmodel`` file after checking every member; replaces an older copy.

    Nothing is written before the whole archive has been checked; the package
    is unpacked into a hidden staging folder *beside* the packages folder (same
    filesystem, so the final rename is atomic) and renamed into place. A kill
    mid-way leaves nothing inside the packages folder, where argostranslate
    (``argospm``, LibreTranslate) would fail on a folder without ``metadata.json``.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path} is not an Argos model (an .argosmodel is a zip archive)")
    root = directory or packages_dir()
    with zipfile.ZipFile(path) as zf:
        top = check_archive(zf, str(path))
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(f"cannot create the Argos packages folder {root}: {exc}") from exc
        staging = _staging_dir(root)
        try:
            base = staging.resolve()
            for info in zf.infolist():
                target = (staging / info.filename).resolve()
                if base not in target.parents and target != base:  # belt and braces
                    raise ModelError(f"{path}: member {info.filename!r} escapes the package")
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            load_model(staging / top)  # validates before anything is replaced
            final = root / top
            previous = staging / ".previous"
            if final.exists():
                final.rename(previous)
            try:
                (staging / top).rename(final)
            except OSError:
                if previous.exists():
                    previous.rename(final)
                raise
        except OSError as exc:
            raise ModelError(f"cannot install {path} into {root}: {exc}") from exc
        except zipfile.BadZipFile as exc:
            raise ModelError(f"{path} is a damaged zip archive: {exc}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    clear_cache()
    return load_model(final)


def _staging_dir(root: Path) -> Path:
    """A fresh hidden folder next to ``root`` (inside it only if its parent is read-only)."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{root.name}.install-", dir=root.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=".install-", dir=root))


def _index_url() -> str:
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if base is None:
        from argostranslate import settings

        base = settings.package_index
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _open(url: str, timeout: float) -> Any:
    """``urlopen`` with a deadline that also covers name resolution (socket timeouts do
    not: an offline resolver can hang for minutes); reads then time out after ``timeout``."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            req = urllib.request.Request(url, headers={"User-Agent": "ArgosTranslate"})
            box["resp"] = urllib.request.urlopen(req, timeout=timeout)
        except BaseException as exc:  # handed to the caller's thread
            box["exc"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"no answer within {timeout:g} s")
    if "exc" in box:
        raise box["exc"]
    return box["resp"]


def _offline(url: str, exc: BaseException) -> OfflineError:
    reason = getattr(exc, "reason", exc)
    return OfflineError(
        f"cannot reach the Argos package index at {url} ({reason}); this machine looks "
        "offline. Download the .argosmodel file on a connected machine and run "
        "`workbench models install --file FILE`"
    )


def available_packages(timeout: float = 20.0) -> list[Any]:
    """The Argos package index (``AvailablePackage`` objects); needs the network."""
    package = _package_module()
    url = _index_url()
    try:
        with _open(url, timeout) as resp:
            index = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _offline(url, exc) from exc
    if not isinstance(index, list):
        raise ModelError(f"the Argos package index at {url} is not a list of packages")
    return [package.AvailablePackage(meta) for meta in index if isinstance(meta, dict)]


def index_route(index: list[Any], src: str, tgt: str) -> list[Any]:
    """The index packages that give ``src→tgt``: the direct one, else ``src→en`` and
    ``en→tgt`` (what argostranslate users install to pivot); newest versions."""
    def best(a: str, b: str) -> Any | None:
        found = [p for p in index
                 if p.from_code == a and p.to_code == b and getattr(p, "type", "translate") == "translate"]
        return max(found, key=lambda p: _version(p.package_version)) if found else None

    direct = best(src, tgt)
    if direct is not None:
        return [direct]
    legs = [best(src, PIVOT), best(PIVOT, tgt)] if PIVOT not in (src, tgt) else [None]
    if any(leg is None for leg in legs):
        has = {f"{a}→{b}": "yes" if best(a, b) else "no" for a, b in ((src, PIVOT), (PIVOT, tgt))
               if PIVOT not in (src, tgt)}
        detail = (" nor a pivot through English (" + ", ".join(f"{k}: {v}" for k, v in has.items())
                  + ")") if has else ""
        raise ModelError(f"the Argos index has no {src}→{tgt} model{detail}")
    return legs


def download(pkg: Any, dest_dir: Path, *, timeout: float = 30.0,
             progress: Callable[[int, int | None], None] | None = None) -> Path:
    """Download an index package to ``dest_dir`` (each link in turn, every read under
    ``timeout``); ``progress(done, total)`` after each chunk."""
    links = [u for u in (getattr(pkg, "links", None) or []) if str(u).startswith(("http://", "https://"))]
    if not links:
        raise ModelError(f"the index entry for {pkg.from_code}→{pkg.to_code} has no download link")
    out = dest_dir / f"translate-{pkg.from_code}_{pkg.to_code}.argosmodel"
    errors = []
    for url in links:
        try:
            with _open(url, timeout) as resp, out.open("wb") as fh:
                total = int(resp.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := resp.read(1 << 20):
                    fh.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            return out
        except (urllib.error.URLError, OSError, ValueError) as exc:
            errors.append(f"{url}: {getattr(exc, 'reason', exc)}")
    raise OfflineError(f"downloading the {pkg.from_code}→{pkg.to_code} model failed ("
                     + "; ".join(errors) + "); check the network or install from a file with --file")


@dataclass(frozen=True)
class Installed:
    """One package of an index install: the model, and whether it was downloaded now."""

    model: ArgosModel
    downloaded: bool


def install_from_index(
    src: str, tgt: str, directory: Path | None = None, *, timeout: float = 20.0,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> list[Installed]:
    """Install what ``src→tgt`` needs from the Argos index: the direct package, else the
    two packages of the pivot through English. Packages already installed at the index's
    version are kept; each download is checked and installed like a local file."""
    route = index_route(available_packages(timeout), src, tgt)
    have = ArgosEngine(directory=directory).models()
    done: list[Installed] = []
    for pkg in route:
        current = have.get((pkg.from_code, pkg.to_code))
        if current is not None and _version(current.package_version) >= _version(pkg.package_version):
            done.append(Installed(current, downloaded=False))
            continue
        label = f"{pkg.from_code}→{pkg.to_code}"
        with tempfile.TemporaryDirectory(prefix="workbench-argos-") as tmp:
            path = download(pkg, Path(tmp), timeout=timeout,
                            progress=(lambda d, t, lab=label: progress(lab, d, t)) if progress else None)
            done.append(Installed(install_from_file(path, directory), downloaded=True))
    return done


def _version(text: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(str(text))
    except InvalidVersion:
        return Version("0")


def clear_cache() -> None:
    """Forget loaded translators (after installing or removing packages)."""
    with _lock:
        _translators.clear()
        _tokenizers.clear()


# -- translation -----------------------------------------------------------


#: argostranslate's decoding settings (environment, else its settings.json) and the
#: workbench's default for each: (setting, default). The device default differs on
#: purpose: ``auto`` uses CUDA when CTranslate2 sees a GPU (argostranslate: ``cpu``),
#: and batches hold 4096 tokens (argostranslate: 32, one sentence at a time).
ARGOS_SETTINGS: dict[str, tuple[str, str]] = {
    "device": ("ARGOS_DEVICE_TYPE", "auto"),
    "beam_size": ("ARGOS_BEAM_SIZE", "4"),
    "compute_type": ("ARGOS_COMPUTE_TYPE", "auto"),
    "intra_threads": ("ARGOS_INTRA_THREADS", "0"),
    "inter_threads": ("ARGOS_INTER_THREADS", "1"),
    "batch_tokens": ("ARGOS_BATCH_SIZE", "4096"),
}


@dataclass(frozen=True)
class DecodeSettings:
    """How CTranslate2 decodes, and where each value came from (``env``, ``settings.json``
    or ``default``), for ``models list``."""

    device: str
    beam_size: int
    compute_type: str
    intra_threads: int
    inter_threads: int
    batch_tokens: int
    origin: dict[str, str]

    def line(self) -> str:
        return ", ".join(f"{name} {getattr(self, name)} ({self.origin[name]})"
                         for name in ARGOS_SETTINGS)


def decode_settings() -> DecodeSettings:
    """argostranslate's ``ARGOS_*`` settings as it reads them (the environment wins over
    its ``settings.json``), read now; a bad value is a :class:`ModelError`."""
    try:
        from argostranslate.settings import load_settings_dict
        saved = load_settings_dict()
    except (ImportError, OSError, ValueError):
        saved = {}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, (key, default) in ARGOS_SETTINGS.items():
        if os.environ.get(key):
            raw, origin[name] = os.environ[key], "env"
        elif saved.get(key) not in (None, ""):
            raw, origin[name] = str(saved[key]), "settings.json"
        else:
            raw, origin[name] = default, "default"
        if name in ("device", "compute_type"):
            values[name] = raw.strip().lower()
            continue
        try:
            values[name] = int(raw)
        except ValueError:
            raise ModelError(f"{key}={raw!r} is not a whole number") from None
        if values[name] < (1 if name in ("beam_size", "batch_tokens", "inter_threads") else 0):
            raise ModelError(f"{key}={raw!r} is out of range")
    if values["device"] not in DEVICES:
        raise ModelError(f"ARGOS_DEVICE_TYPE={values['device']!r}: use one of {', '.join(DEVICES)}")
    return DecodeSettings(**values, origin=origin)


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when CTranslate2 sees a GPU, else ``cpu`` (``ArgosEngine.settings``
    has already put ``ARGOS_DEVICE_TYPE`` in place of ``auto`` when it is set)."""
    if device not in DEVICES:
        raise EngineError(f"unknown device {device!r}; use one of {', '.join(DEVICES)}")
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return "cuda" if gpus > 0 else "cpu"
    if device == "cuda" and gpus == 0:
        raise EngineError("--device cuda (or ARGOS_DEVICE_TYPE=cuda) was asked for but "
                          "CTranslate2 sees no CUDA device; use --device cpu")
    return device


class _SentencePiece:
    def __init__(self, model_file: Path) -> None:
        import sentencepiece as spm

        self.sp = spm.SentencePieceProcessor(model_file=str(model_file))
        self.unk = self.sp.unk_id()

    def encode(self, text: str) -> list[str]:
        return self.sp.encode(text, out_type=str)

    def unknown(self, pieces: list[str]) -> list[str]:
        return [p.lstrip("▁") for p in pieces if self.sp.piece_to_id(p) == self.unk and p.strip("▁")]

    def decode(self, pieces: list[str]) -> str:
        """Text of ``pieces``. Pieces the model lacks (a package converted from OPUS-MT
        ships only the source model) come back verbatim, "▁" included: they become
        spaces, as in argostranslate. Real underscores stay (argostranslate makes them
        spaces too: ``mon_fichier.txt`` → ``mon fichier.txt``)."""
        return self.sp.decode_pieces(pieces).replace("▁", " ")


class _Bpe:
    def __init__(self, model: ArgosModel) -> None:
        from argostranslate.tokenizer import BPETokenizer

        self.tok = BPETokenizer(model.path / "bpe.model", model.from_code, model.to_code)

    def encode(self, text: str) -> list[str]:
        return self.tok.encode(text)

    def unknown(self, pieces: list[str]) -> list[str]:
        return []

    def decode(self, pieces: list[str]) -> str:
        return self.tok.decode(pieces)


class ArgosEngine:
    """Installed Argos models, direct or pivoting through English."""

    name = NAME

    def __init__(
        self, device: str = "auto", *, compute_type: str | None = None,
        beam_size: int | None = None, max_batch_size: int | None = None,
        max_decoding_length: int = 256, intra_threads: int | None = None,
        directory: Path | None = None, **_: Any,
    ) -> None:
        """Options left as ``None`` take argostranslate's ``ARGOS_*`` settings (read when
        translating); ``max_batch_size`` counts tokens, as in argostranslate."""
        if device not in DEVICES:
            raise EngineError(f"unknown device {device!r}; use one of {', '.join(DEVICES)}")
        self.device = device
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.max_decoding_length = max_decoding_length
        self.intra_threads = intra_threads
        self.directory = directory

    def settings(self) -> DecodeSettings:
        """The decoding settings in force: this engine's options over ``ARGOS_*``."""
        base = decode_settings()
        chosen = {"device": None if self.device == "auto" else self.device,
                  "compute_type": self.compute_type, "beam_size": self.beam_size,
                  "batch_tokens": self.max_batch_size, "intra_threads": self.intra_threads}
        given = {k: v for k, v in chosen.items() if v is not None}
        return DecodeSettings(**{**base.__dict__, **given,
                                 "origin": {**base.origin, **{k: "option" for k in given}}})

    # -- pairs -------------------------------------------------------------

    def models(self) -> dict[tuple[str, str], ArgosModel]:
        """The newest installed package for each direct pair."""
        found: dict[tuple[str, str], ArgosModel] = {}
        for model in installed_models(self.directory)[0]:
            best = found.get(model.pair)
            if best is None or _version(model.package_version) > _version(best.package_version):
                found[model.pair] = model
        return found

    def pairs(self) -> list[Pair]:
        direct = self.models()
        out = [Pair(s, t) for s, t in direct]
        for s, p in direct:
            if p != PIVOT:
                continue
            for p2, t in direct:
                if p2 == PIVOT and t != s and (s, t) not in direct:
                    out.append(Pair(s, t, (PIVOT,)))
        return sorted(out, key=lambda p: (len(p.via), p.src, p.tgt))

    def chain(self, src: str, tgt: str) -> list[ArgosModel]:
        models = self.models()
        pair = find_pair(self.pairs(), src, tgt)
        if pair is None:
            raise unsupported(NAME, src, tgt, self.pairs(),
                              hint=f"No Argos model for {src}→{tgt}; {INSTALL_HINT}")
        langs = [src, *pair.via, tgt]
        return [models[(a, b)] for a, b in zip(langs, langs[1:])]

    def describe(self, src: str, tgt: str) -> Provenance:
        chain = self.chain(src, tgt)
        return Provenance(NAME, "+".join(m.name for m in chain),
                          "+".join(m.model_version for m in chain))

    # -- loading -----------------------------------------------------------

    def _translator(self, model: ArgosModel, settings: DecodeSettings | None = None) -> Any:
        import ctranslate2

        settings = settings or self.settings()
        device = resolve_device(settings.device)
        key = (str(model.path), model.model_version, device, settings.compute_type,
               settings.intra_threads, settings.inter_threads)
        with _lock:
            if key not in _translators:
                try:
                    _translators[key] = ctranslate2.Translator(
                        str(model.path / "model"), device=device,
                        compute_type=settings.compute_type, intra_threads=settings.intra_threads,
                        inter_threads=settings.inter_threads,
                    )
                except (RuntimeError, ValueError) as exc:
                    raise ModelError(f"cannot load the CTranslate2 model of {model.name} "
                                     f"on {device}: {exc}") from exc
            return _translators[key]

    def _tokenizer(self, model: ArgosModel) -> Any:
        key = f"{model.path}:{model.model_version}"
        with _lock:
            if key not in _tokenizers:
                _tokenizers[key] = (_SentencePiece(model.path / "sentencepiece.model")
                                    if model.tokenizer == "sentencepiece" else _Bpe(model))
            return _tokenizers[key]

    # -- translation -------------------------------------------------------

    def translate(self, texts: list[str], src: str, tgt: str) -> list[TranslationResult]:
        return self._translate(texts, src, tgt, batched=True)

    def translate_unbatched(self, texts: list[str], src: str, tgt: str) -> list[TranslationResult]:
        """One ``translate_batch`` call per sentence: only for benchmarks (it is slow)."""
        return self._translate(texts, src, tgt, batched=False)

    def _translate(self, texts: list[str], src: str, tgt: str, *, batched: bool) -> list[TranslationResult]:
        chain = self.chain(src, tgt)
        prov = self.describe(src, tgt)
        settings = self.settings()
        route = [src, *(m.to_code for m in chain[:-1]), tgt]
        current = list(texts)
        flagged: list[list[dict[str, str]]] = [[] for _ in texts]
        scores: list[float] = [0.0] * len(texts)
        for model in chain:
            live = [i for i, t in enumerate(current) if t.strip()]
            if not live:
                break
            outputs = self._run(model, [current[i] for i in live], batched, settings)
            for i, (text, unknown, score) in zip(live, outputs):
                current[i] = text
                scores[i] += score
                for word in unknown:
                    entry = {"word": word, "reason": "unknown"}
                    if entry not in flagged[i]:
                        flagged[i].append(entry)
        results = []
        for i, text in enumerate(current):
            meta: dict[str, Any] = {"route": route}
            if texts[i].strip():
                meta["score"] = round(scores[i], 4)
            else:
                text = ""
            if flagged[i]:
                meta["low_confidence"] = flagged[i]
            results.append(TranslationResult(text, prov.engine, prov.model, prov.model_version, meta))
        return results

    def _run(self, model: ArgosModel, texts: list[str], batched: bool,
             settings: DecodeSettings) -> list[tuple[str, list[str], float]]:
        """Decode as argostranslate does (``apply_packaged_translation``), all texts in one
        ``translate_batch`` call that CTranslate2 splits into batches of tokens."""
        translator = self._translator(model, settings)
        tok = self._tokenizer(model)
        pieces = [tok.encode(t.strip()) for t in texts]
        prefix = [[model.target_prefix]] if model.target_prefix else None
        options = dict(
            beam_size=settings.beam_size, max_decoding_length=self.max_decoding_length,
            replace_unknowns=True, return_scores=True, length_penalty=0.2,
        )
        try:
            if batched:
                hyps = translator.translate_batch(
                    pieces, target_prefix=prefix * len(pieces) if prefix else None,
                    max_batch_size=settings.batch_tokens, batch_type="tokens", **options,
                )
            else:
                hyps = [translator.translate_batch([p], target_prefix=prefix, **options)[0]
                        for p in pieces]
        except (RuntimeError, ValueError) as exc:
            hint = ("; on CUDA this usually means missing CUDA 12 libraries (cuBLAS): "
                    "use --device cpu") if "cuda" in str(exc).lower() or "cublas" in str(exc).lower() else ""
            raise EngineError(f"CTranslate2 failed with model {model.name}: {exc}{hint}") from exc
        out = []
        for p, hyp in zip(pieces, hyps):
            tokens = list(hyp.hypotheses[0])
            if model.target_prefix and tokens and tokens[0] == model.target_prefix:
                tokens = tokens[1:]
            score = float(hyp.scores[0]) if hyp.scores else 0.0
            out.append((tok.decode(tokens).strip(), tok.unknown(p), score))
        return out
