"""``workbench segment`` and ``workbench eval seg`` from the command line."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.cli.segment import segment_text

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "seg-gold" / "003_6f848195ec45b70c.txt"
SEED = ROOT / "seeds" / "003_6f848195ec45b70c.txt"
runner = CliRunner()


def test_segment_reads_stdin_and_prints_sentences():
    text = "M. Kirby a dit « Non. » Puis il part.\nTitre\n\nIl pleut... Il vente."
    result = runner.invoke(app, ["segment", "--lang", "fr"], input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout == ("M. Kirby a dit « Non. »\nPuis il part.\n\nTitre\n\n"
                             "Il pleut...\nIl vente.\n")


def test_segment_text_on_empty_input():
    assert segment_text("", "fr") == ""


@pytest.mark.parametrize("args", [["segment", "--help"], ["eval", "seg", "--help"]])
def test_help(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "--segmenter" in result.stdout


def test_unknown_segmenter_is_bad_usage():
    result = runner.invoke(app, ["segment", "--segmenter", "nope"], input="x")
    assert result.exit_code == 2


@pytest.mark.parametrize(("segmenter", "expected"), [("rules", "f1=1.000"),
                                                     ("pysbd", "recall=0.750")])
def test_eval_seg(segmenter, expected):
    result = runner.invoke(app, ["eval", "seg", "--gold", str(GOLD), "--source", str(SEED),
                                 "--segmenter", segmenter, "--errors"])
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


def test_eval_seg_rejoins_gold_without_source():
    result = runner.invoke(app, ["eval", "seg", "--gold", str(GOLD)])
    assert result.exit_code == 0, result.output
    assert "precision=" in result.stdout


def test_eval_seg_on_folders_pools_all_seeds():
    result = runner.invoke(app, ["eval", "seg", "--gold", str(GOLD.parent),
                                 "--source", str(ROOT / "seeds")])
    assert result.exit_code == 0, result.output
    assert "gold=34" in result.stdout


def test_eval_seg_folder_gold_needs_folder_source():
    result = runner.invoke(app, ["eval", "seg", "--gold", str(GOLD.parent), "--source", str(SEED)])
    assert result.exit_code != 0


def test_unsupported_language_is_a_message_and_exit_1():
    proc = subprocess.run([sys.executable, "-m", "workbench", "segment", "--lang", "tlh"],
                          input="Bonjour.", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "tlh" in proc.stderr and "Traceback" not in proc.stderr
