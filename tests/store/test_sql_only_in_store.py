"""The store is the only code that speaks SQL (issue #16, first step).

Every module under ``workbench/`` outside ``workbench/store/`` is parsed (AST,
nothing imported) and must not hold SQL text (a string constant that reads as an
SQL statement), import a database driver, call ``execute``/``executemany``/
``executescript``, or reach for a connection (``.conn``, ``.connection``). A
second backend (PostgreSQL) then only needs a second store.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import workbench

PACKAGE = Path(workbench.__file__).parent
STORE = PACKAGE / "store"

#: A string constant that starts like an SQL statement (keywords in capitals, as the store
#: writes them: prose such as "Select the target" or "update the glossary" is not caught).
SQL_TEXT = re.compile(
    r"""^\s*(
        SELECT\s+(\*|DISTINCT\b|COUNT\(|[\w.]+\s*(,|\bFROM\b|\bAS\b))
      | INSERT\s+(OR\s+\w+\s+)?INTO\b
      | UPDATE\s+\w+\s+SET\b
      | DELETE\s+FROM\b
      | (CREATE|DROP|ALTER)\s+(TABLE|INDEX|TRIGGER|VIEW|VIRTUAL)\b
      | PRAGMA\s+\w+
      | (BEGIN|COMMIT|ROLLBACK)(\s+\w+)?\s*;?\s*$
      | WITH\s+\w+(\s*\([^)]*\))?\s+AS\s*\(
    )""",
    re.VERBOSE,
)
#: Fragments of SQL inside a larger string (an f-string's pieces, a WHERE clause).
SQL_FRAGMENT = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET)"
                          r"\s+\w+", re.DOTALL)
DRIVERS = {"sqlite3", "psycopg", "psycopg2", "sqlalchemy", "apsw", "duckdb"}
EXECUTE = {"execute", "executemany", "executescript"}
CONNECTION = {"conn", "connection", "cursor"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if STORE not in p.parents)


def _looks_like_sql(text: str) -> bool:
    return bool(SQL_TEXT.match(text) or SQL_FRAGMENT.search(text))


def offences(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` for each use of SQL text or a database connection in ``source``."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and _looks_like_sql(node.value):
                found.append((node.lineno, f"SQL text {node.value.strip()[:40]!r}"))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
            if _looks_like_sql(text):
                found.append((node.lineno, f"SQL text {text.strip()[:40]!r}"))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names
                      if a.name.split(".")[0] in DRIVERS]
        elif isinstance(node, ast.ImportFrom) and node.module \
                and node.module.split(".")[0] in DRIVERS:
            found.append((node.lineno, f"from {node.module} import"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in EXECUTE:
            found.append((node.lineno, f".{node.func.attr}(...)"))
        elif isinstance(node, ast.Attribute) and node.attr in CONNECTION:
            found.append((node.lineno, f".{node.attr}"))
    return sorted(set(found))


@pytest.mark.parametrize("source, expected", [
    ('rows = project.conn.execute("SELECT id FROM documents")', 3),  # .conn, .execute, SQL
    ("with project.transaction() as c:\n    c.executemany(q, rows)", 1),
    ("import sqlite3", 1),
    ("from psycopg import connect", 1),
    ('q = f"UPDATE reviews SET text = ? WHERE id IN ({marks})"', 1),
    ('q = """\n  INSERT INTO beads (a) VALUES (?)"""', 1),
    ('sql = "DELETE FROM beads WHERE alignment_id = ?"', 1),
    ('sig = project.connection', 1),
    ('sig = "PRAGMA data_version"', 1),
    # prose, docstrings and the store's own API are fine
    ('st.caption("Select the target language, then update the glossary")', 0),
    ('def f():\n    """SELECT * FROM x would be SQL, but a docstring is documentation."""', 0),
    ("rows = project.pairs('en'); project.save_review(1, 'en', text='x')", 0),
    ('"Update the glossary from the review page"', 0),
])
def test_detector(source: str, expected: int) -> None:
    assert len(offences(source)) == expected, offences(source)


def test_no_sql_outside_the_store() -> None:
    modules = _modules()
    assert len(modules) > 50  # the whole package was walked
    bad = [f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
           for path in modules for line, what in offences(path.read_text(encoding="utf-8"))]
    assert not bad, ("SQL or a database connection outside workbench/store "
                     "(move it into the store):\n" + "\n".join(bad))
