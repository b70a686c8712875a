"""Installing Argos packages as users do: from the index over HTTP (a real server on
127.0.0.1 serving an index and packages), by argospm, and with damaged metadata; the
``ARGOS_*`` decoding settings."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.engines import argos
from workbench.engines.argos import (ArgosEngine, decode_settings, install_from_file,
                                     install_from_index, installed_models)
from workbench.errors import EngineError, ModelError, OfflineError


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, *args: object) -> None:  # quiet, but remembered
        self.requests.append(self.path)


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 serving ``folder``; yields its base URL and the paths asked."""
    requests: list[str] = []
    handler = functools.partial(type("H", (_Handler,), {"requests": requests}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def write_index(folder: Path, base: str, packages: dict[tuple[str, str], Path]) -> None:
    """``index.json`` as the Argos index writes it, linking to files in ``folder``."""
    entries = []
    for (src, tgt), archive in packages.items():
        (folder / archive.name).write_bytes(archive.read_bytes())
        entries.append({"package_version": "0.1", "argos_version": "1.0", "from_code": src,
                        "from_name": src, "to_code": tgt, "to_name": tgt,
                        "links": [f"{base}/{archive.name}"]})
    (folder / "index.json").write_text(json.dumps(entries), encoding="utf-8")


@pytest.fixture(scope="module")
def en_es_argosmodel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fixtures.tiny_argos import build_argosmodel

    out = tmp_path_factory.mktemp("en-es")
    return build_argosmodel(out / "translate-en_es.argosmodel", from_code="en", to_code="es", seed=1)


def test_index_install_pivots_through_english(tmp_path: Path, argos_home: Path, monkeypatch,
                                              tiny_argosmodel: Path, en_es_argosmodel: Path):
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as (base, requests):
        write_index(site, base, {("fr", "en"): tiny_argosmodel, ("en", "es"): en_es_argosmodel})
        monkeypatch.setenv("ARGOS_PACKAGE_INDEX", base + "/")
        seen: list[tuple[str, int]] = []
        first = install_from_index("fr", "es", timeout=10,
                                   progress=lambda label, done, total: seen.append((label, done)))
        assert [(i.model.pair, i.downloaded) for i in first] == [(("fr", "en"), True), (("en", "es"), True)]
        assert {label for label, _ in seen} == {"fr→en", "en→es"}
        assert {str(p) for p in ArgosEngine(device="cpu").pairs()} >= {"fr→en", "en→es", "fr→en→es"}
        asked = len(requests)
        again = install_from_index("fr", "es", timeout=10)
        assert [i.downloaded for i in again] == [False, False], "up-to-date packages are kept"
        assert requests[asked:] == ["/index.json"], "nothing downloaded a second time"


def test_cli_install_says_it_pivots(tmp_path: Path, argos_home: Path, tiny_argosmodel: Path,
                                    en_es_argosmodel: Path):
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as (base, _):
        write_index(site, base, {("fr", "en"): tiny_argosmodel, ("en", "es"): en_es_argosmodel})
        env = {**os.environ, "ARGOS_PACKAGE_INDEX": base + "/"}
        proc = subprocess.run([sys.executable, "-m", "workbench", "models", "install", "fr", "es"],
                              capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = " ".join((proc.stdout + proc.stderr).split())
    assert "no fr→es model" in out and "pivots through English" in out
    assert "installed fr→en" in out and "installed en→es" in out


def test_index_without_a_route_names_what_is_missing(tmp_path: Path, argos_home: Path, monkeypatch,
                                                     tiny_argosmodel: Path):
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as (base, requests):
        write_index(site, base, {("fr", "en"): tiny_argosmodel})
        monkeypatch.setenv("ARGOS_PACKAGE_INDEX", base + "/")
        with pytest.raises(ModelError, match="no fr→de model nor a pivot through English "
                                             r"\(fr→en: yes, en→de: no\)"):
            install_from_index("fr", "de", timeout=10)
        assert requests == ["/index.json"], "nothing is downloaded for half a route"
    assert installed_models()[0] == []


def test_an_index_that_never_answers_times_out(argos_home: Path, monkeypatch):
    """A server that accepts the connection and says nothing: no hang, one clear error."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        monkeypatch.setenv("ARGOS_PACKAGE_INDEX", f"http://127.0.0.1:{listener.getsockname()[1]}/")
        with pytest.raises(OfflineError, match="cannot reach the Argos package index"):
            argos.available_packages(timeout=1)
    finally:
        listener.close()


def test_cli_skip_offline_is_one_line_and_exit_0(argos_home: Path):
    env = {**os.environ, "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/"}
    cmd = [sys.executable, "-m", "workbench", "models", "install", "fr", "en"]
    skipped = subprocess.run([*cmd, "--skip-offline"], capture_output=True, text=True, env=env, timeout=120)
    assert skipped.returncode == 0
    lines = [line for line in (skipped.stdout + skipped.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "Apertium" in lines[0] and "models install fr en" in lines[0], lines
    failed = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "cannot reach the Argos package index" in failed.stderr


def test_staging_happens_beside_the_packages_folder(argos_home: Path, tiny_argosmodel: Path, monkeypatch):
    """While a package is unpacked (where a kill would leave it), the packages folder holds
    only whole packages, so argostranslate (argospm, LibreTranslate) still lists them."""
    from argostranslate import package

    install_from_file(tiny_argosmodel)
    seen: dict[str, object] = {}
    real_load = argos.load_model

    def spy(path: Path) -> argos.ArgosModel:
        if path.parent != argos_home:  # the validation of the unpacked copy
            seen["inside"] = sorted(p.name for p in argos_home.iterdir())
            seen["argos"] = [p.package_path.name for p in package.get_installed_packages([argos_home])]
            seen["staging"] = path.parent
        return real_load(path)

    monkeypatch.setattr(argos, "load_model", spy)
    install_from_file(tiny_argosmodel)
    assert seen["inside"] == ["translate-fr_en-0_1"] and seen["argos"] == ["translate-fr_en-0_1"]
    assert Path(seen["staging"]).parent == argos_home.parent  # type: ignore[arg-type]
    assert not Path(seen["staging"]).exists(), "the staging folder is removed"  # type: ignore[arg-type]


def test_packages_installed_by_argospm_are_found(argos_home: Path, tiny_argosmodel: Path, monkeypatch):
    """argospm unpacks into argostranslate's packages folder (and, installed without its
    dependencies, then fails importing stanza): the workbench uses that package."""
    from argostranslate import package, settings

    monkeypatch.setattr(settings, "package_data_dir", argos_home)
    with contextlib.suppress(ImportError):  # argostranslate.translate needs stanza
        package.install_from_path(tiny_argosmodel)
    [model] = installed_models()[0]
    assert model.path.parent == argos_home and model.pair == ("fr", "en")
    assert ArgosEngine(device="cpu", max_decoding_length=8).translate(["Bonjour."], "fr", "en")[0].engine == "argos"


@pytest.mark.parametrize("metadata", ["[1, 2]", '"fr_en"', "null", "{not json", "\xff\xfe"])
def test_metadata_that_is_not_an_object_is_a_broken_package(argos_home: Path, metadata: str, tmp_path: Path):
    folder = argos_home / "translate-fr_en-bad"
    (folder / "model").mkdir(parents=True)
    (folder / "metadata.json").write_bytes(metadata.encode("latin-1"))
    models, broken = installed_models()
    assert models == [] and [p for p, _ in broken] == [folder]
    assert "metadata.json" in broken[0][1]
    proc = subprocess.run([sys.executable, "-m", "workbench", "models", "list"], capture_output=True,
                          text=True, timeout=120, env=os.environ.copy())
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "broken package" in proc.stderr
    archive = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("translate-fr_en-bad/metadata.json", metadata)
    with pytest.raises(ModelError, match="metadata.json"):
        install_from_file(archive, tmp_path / "elsewhere")


def test_argos_settings_are_honoured(tiny_argos: Path, monkeypatch, tmp_path: Path):
    from argostranslate import settings

    saved = tmp_path / "settings.json"
    saved.write_text(json.dumps({"ARGOS_BEAM_SIZE": "2", "ARGOS_BATCH_SIZE": "64"}), encoding="utf-8")
    monkeypatch.setattr(settings, "settings_file", saved)
    monkeypatch.setenv("ARGOS_BEAM_SIZE", "1")  # the environment wins, as in argostranslate
    got = decode_settings()
    assert (got.beam_size, got.origin["beam_size"]) == (1, "env")
    assert (got.batch_tokens, got.origin["batch_tokens"]) == (64, "settings.json")
    assert got.origin["device"] == "default"

    engine = ArgosEngine(device="cpu", max_decoding_length=8)
    engine.translate(["Bonjour."], "fr", "en")
    key, translator = next(iter(argos._translators.items()))
    calls: list[dict] = []

    class Spy:
        def translate_batch(self, batch, **kw):
            calls.append(kw)
            return translator.translate_batch(batch, **kw)

    monkeypatch.setitem(argos._translators, key, Spy())
    engine.translate(["Bonjour.", "Au revoir."], "fr", "en")
    assert (calls[0]["beam_size"], calls[0]["max_batch_size"], calls[0]["batch_type"]) == (1, 64, "tokens")
    assert ArgosEngine(device="cpu", beam_size=3).settings().beam_size == 3, "an option wins"


def test_bad_argos_settings_are_one_clear_error(tiny_argos: Path, monkeypatch):
    monkeypatch.setenv("ARGOS_BEAM_SIZE", "four")
    with pytest.raises(ModelError, match="ARGOS_BEAM_SIZE='four' is not a whole number"):
        ArgosEngine(device="cpu").translate(["Bonjour."], "fr", "en")
    monkeypatch.setenv("ARGOS_BEAM_SIZE", "4")
    monkeypatch.setenv("ARGOS_DEVICE_TYPE", "cuda")
    monkeypatch.setattr("ctranslate2.get_cuda_device_count", lambda: 0)
    with pytest.raises(EngineError, match="ARGOS_DEVICE_TYPE=cuda"):
        ArgosEngine().translate(["Bonjour."], "fr", "en")
