"""Shared pytest fixtures (helpers append theirs below)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_argosmodel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real fr→en ``.argosmodel`` (random 2-layer Transformer) built once per session."""
    from fixtures.tiny_argos import build_argosmodel

    return build_argosmodel(tmp_path_factory.mktemp("tiny-argos") / "translate-fr_en.argosmodel")


@pytest.fixture
def argos_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos packages folder; Argos's XDG folders and index URL point into
    ``tmp_path`` / nowhere, so tests never touch the home folder or the network."""
    from workbench.engines import argos

    home = tmp_path / "argos"
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    packages = home / "packages"
    packages.mkdir(parents=True)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    argos.clear_cache()
    return packages


@pytest.fixture
def tiny_argos(tiny_argosmodel: Path, argos_home: Path) -> Path:
    """The tiny fr→en model installed through the real installer; returns the packages dir."""
    from workbench.engines.argos import install_from_file

    install_from_file(tiny_argosmodel)
    return argos_home


# -- PostgreSQL: a throwaway cluster per session, a database per test ------------------


@pytest.fixture(scope="session")
def pg_cluster():
    """A running PostgreSQL cluster (tests/fixtures/postgres.py), for the whole session."""
    from fixtures.postgres import postgres_cluster

    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a new empty database, dropped after the test."""
    url = pg_cluster.create_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, monkeypatch):
    """Each test using it runs twice: on the default SQLite file (``None``) and on a fresh
    PostgreSQL database (its URL). ``WORKBENCH_DB`` is set to match, so commands and
    subprocesses that open the project use the same backend."""
    if request.param == "sqlite":
        monkeypatch.delenv("WORKBENCH_DB", raising=False)
        return None
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("WORKBENCH_DB", url)
    return url


@pytest.fixture
def other_db(request, db_url):
    """A second, separate database of the same backend as ``db_url`` (for a second
    project): ``None`` on SQLite (the folder names it), a new database on PostgreSQL."""
    if db_url is None:
        yield None
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database()
    yield url
    cluster.drop_database(url)


def pytest_addoption(parser):
    parser.addoption("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                     help="postgresql: every test gets a fresh PostgreSQL database in "
                          "WORKBENCH_DB (projects the test opens without --db use it)")


@pytest.fixture(autouse=True)
def _backend_for_every_test(request, monkeypatch):
    """``pytest --backend postgresql``: any test on PostgreSQL, a fresh database each. Tests
    that open two projects without naming their databases then share one (they need
    ``other_db``), and session-scoped projects (``seeds_project``) outlive the database
    they were built in: those fail in this mode for that reason alone."""
    if request.config.getoption("--backend") != "postgresql" \
            or "db_url" in request.fixturenames:
        return
    monkeypatch.setenv("WORKBENCH_DB", request.getfixturevalue("pg_url"))
