"""Consistency check: missing and non-preferred target forms, per segment."""

from __future__ import annotations

import pytest

from workbench.errors import GlossaryError
from workbench.glossary import Glossary
from workbench.glossary.check import MISSING, NON_PREFERRED, check, check_lines


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("Sergueï Choïgou à Kiev", "Sergei Shoigu in Kyiv", []),
    ("Sergueï Choïgou à Kiev", "SERGEI SHOIGU IN KYIV", []),
    ("Sergueï Choïgou à Kiev", "Sergei Shoigu in Kiev", [("kiev", NON_PREFERRED, "Kiev")]),
    ("Sergueï Choïgou à Kiev", "Sergueï Choïgou in the capital",
     [("shoigu-full", NON_PREFERRED, "Sergueï Choïgou"), ("kiev", MISSING, "")]),
    ("Kim Jong-un", "Kim Jong-un", [("kim-jong-un", NON_PREFERRED, "Kim Jong-un")]),  # en prefers Kim Jong Un
    ("Kim Jong-un", "the leader", [("kim-jong-un", MISSING, "")]),
    ("Спутник", "Sputnik", []),  # no en row: not checked
])
def test_check_pairs(small: Glossary, source: str, target: str, expected: list[tuple[str, str, str]]) -> None:
    issues = check(small, [(source, target)], "fr", "en")
    assert [(i.concept, i.kind, i.found) for i in issues] == expected


def test_issue_tsv_and_lines(small: Glossary) -> None:
    issues = check_lines(small, ["rien", "Choïgou"], ["nothing", "Choïgou"], "fr", "en")
    assert [i.tsv() for i in issues] == ["2\tshoigu\tnon-preferred\tShoigu\tChoïgou\tChoïgou"]
    with pytest.raises(GlossaryError, match="line-aligned"):
        check_lines(small, ["a"], ["a", "b"], "fr", "en")
