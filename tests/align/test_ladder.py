"""Ladder files in vecalign's format."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.align import Bead
from workbench.align.ladder import (
    format_ladder, ladder_problems, parse_ladder, read_ladder, read_sentences, split_paragraphs,
    write_ladder,
)
from workbench.errors import FormatError, InputError


def test_round_trip(tmp_path: Path) -> None:
    beads = [Bead((0, 1), (0,), 0.93), Bead((), (1,), 0.5), Bead((2,), (), 1.0)]
    path = tmp_path / "x.ladder"
    write_ladder(path, beads)
    assert path.read_text().splitlines() == ["[0,1]:[0]:0.9300", "[]:[1]:0.5000", "[2]:[]:1.0000"]
    assert read_ladder(path) == beads


@pytest.mark.parametrize("line, src, tgt, conf", [
    ("[0]:[0]", (0,), (0,), 1.0),
    ("[3, 4]:[5]:0.25", (3, 4), (5,), 0.25),
    ("[]:[7,8]:0", (), (7, 8), 0.0),
])
def test_parse_gold_and_predicted_lines(line, src, tgt, conf) -> None:
    assert parse_ladder(line) == [Bead(src, tgt, conf)]


def test_bad_line_names_file_and_line() -> None:
    with pytest.raises(FormatError, match="gold.txt:2"):
        parse_ladder("[0]:[0]\n0-0\n", source="gold.txt")


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_ladder(tmp_path / "none.ladder")


@pytest.mark.parametrize("beads, n, m, problem", [
    ([Bead((0,), (0,), 1), Bead((2,), (1,), 1)], 3, 2, "do not continue"),
    ([Bead((0,), (0,), 1)], 2, 1, "covers 1 source"),
    ([Bead((0,), (0,), 1.5)], 1, 1, "outside"),
    ([Bead((), (), 1)], 0, 0, "empty on both"),
])
def test_ladder_problems(beads, n, m, problem) -> None:
    assert any(problem in p for p in ladder_problems(beads, n, m))


def test_valid_ladder_has_no_problems() -> None:
    assert ladder_problems(parse_ladder("[0]:[0,1]\n[]:[2]\n[1,2]:[3]\n"), 3, 4) == []


def test_blank_lines_mark_paragraphs(tmp_path: Path) -> None:
    assert split_paragraphs(["a", "b", "", "c", "", "", "d"]) == (["a", "b", "c", "d"], [0, 0, 1, 2])
    assert split_paragraphs(["a", "b"]) == (["a", "b"], None)
    p = tmp_path / "x.txt"
    p.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="not UTF-8"):
        read_sentences(p)
