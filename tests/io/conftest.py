"""Fixtures of the interchange tests (projects built with :mod:`io_fixtures`)."""

from __future__ import annotations

import pytest
from io_fixtures import add_article, ARTICLE

from workbench.store import Project


@pytest.fixture
def project(tmp_path):
    with Project(tmp_path / "proj") as p:
        add_article(p)
        add_article(p, title="Sommet à Vladivostok", path="sommet.txt", long=False,
                    rows=ARTICLE[:4])
        yield p


@pytest.fixture
def fresh(tmp_path):
    with Project(tmp_path / "fresh") as p:
        yield p
