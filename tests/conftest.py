"""Shared pytest fixtures (helpers append theirs below)."""

from __future__ import annotations

import os
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
                     help="postgresql: every project folder a test opens without --db gets "
                          "a PostgreSQL database of its own (tests/fixtures/pg_projects.py)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about SQLite itself (its file, its "
                   "locks); skipped under --backend postgresql with that reason")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--backend") != "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs["reason"]
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


#: Fixtures of tests that choose their databases themselves: left alone by --backend.
_OWN_BACKEND = frozenset({"db_url", "pg_url", "pg_cluster", "other_db"})


@pytest.fixture(scope="session", autouse=True)
def _backend_for_the_session(request):
    """``pytest --backend postgresql``: from the start of the session (so module and session
    fixtures build their projects there too) every project folder opened without ``--db``
    has its own PostgreSQL database, in this process and in the processes tests start."""
    if request.config.getoption("--backend") != "postgresql":
        yield
        return
    from fixtures import pg_projects

    cluster = request.getfixturevalue("pg_cluster")
    admin = cluster.url()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{pg_projects.MARKER_DB}" TEMPLATE template0')
    site = str(Path(pg_projects.__file__).parent / "pg_site")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(pg_projects.CLUSTER_ENV, admin)
        mp.setenv("WORKBENCH_DB", pg_projects.with_db(admin, pg_projects.MARKER_DB))
        mp.setenv("PYTHONPATH", os.pathsep.join(
            [site, *filter(None, [os.environ.get("PYTHONPATH")])]))
        pg_projects.install()
        yield


@pytest.fixture(autouse=True)
def _backend_for_every_test(request, _backend_for_the_session):
    """Under ``--backend postgresql``: a test that picks its databases itself
    (:data:`_OWN_BACKEND`) sees no ``WORKBENCH_DB`` unless it sets one, as on SQLite; the
    databases of the folders a test made in its ``tmp_path`` are dropped after it."""
    if request.config.getoption("--backend") != "postgresql":
        yield
        return
    from fixtures import pg_projects

    monkeypatch = request.getfixturevalue("monkeypatch")
    if _OWN_BACKEND & set(request.fixturenames):
        monkeypatch.delenv("WORKBENCH_DB", raising=False)
    tmp = request.getfixturevalue("tmp_path")
    yield
    pg_projects.drop_databases(os.environ[pg_projects.CLUSTER_ENV], [tmp])
