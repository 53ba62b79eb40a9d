"""Briefs written from saved results."""

import re
import shutil
from pathlib import Path

import pytest

from sim.interfaces.cli import main


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "compare"
    assert main(["compare", "baseline", "democratic-return", "--runs", "10", "--seed", "2", "--out", str(out)]) == 0
    return out


def test_brief_in_markdown_html_and_pdf(folder: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["report", str(folder)]) == 0
    capsys.readouterr()
    text = (folder / "report" / "brief.md").read_text()
    assert text.startswith("# iccsim brief: baseline, democratic-return")
    assert "| democratic-return |" in text and "paired diff 2035" in text
    assert "## Assumptions and limits" in text and "calibrated on the record" in text
    assert "The juntas of Mali, Burkina Faso and Niger hand power" in text
    assert "](figures/compare.png)" in text and (folder / "report" / "figures" / "compare.png").exists()
    html = (folder / "report" / "brief.html").read_text()
    assert "<table>" in html and "<img" in html
    pdf = (folder / "report" / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", pdf)) >= 5
    assert b'"scenarios": ["baseline", "democratic-return"]' in pdf


def test_brief_of_an_incomplete_folder_exits_2(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "comparison.csv").unlink()
    assert main(["report", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "missing" in err and "comparison.csv" in err and err.count("\n") == 1
