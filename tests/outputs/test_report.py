"""Briefs written from saved results: typeset pages checked as a reader gets them (poppler renders each
page), the key numbers, the self-contained HTML and the Markdown."""

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from sim.interfaces.cli import main
from sim.outputs import report
from sim.outputs.figures import KINDS, kinds_for
from sim.store.folders import load

PAGE_POINTS = {"brief.pdf": (595, 842), "brief-letter.pdf": (612, 792)}  # A4 and US Letter at 72 dpi


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("brief")
    made = {"compare": base / "compare", "history": base / "history", "sweep": base / "sweep"}
    assert main(["compare", "baseline", "democratic-return", "--runs", "10", "--seed", "2", "--out",
                 str(made["compare"])]) == 0
    assert main(["run", "history-2016", "--runs", "10", "--seed", "2", "--out", str(made["history"])]) == 0
    assert main(["sweep", "baseline", "--vary", "b_peer=1:4:2", "--vary", "b_junta=0:4:2", "--runs", "3",
                 "--workers", "1", "--out", str(made["sweep"])]) == 0
    for folder in made.values():
        assert main(["report", str(folder)]) == 0
    return made


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("kind", ["compare", "history", "sweep"])
@pytest.mark.parametrize("name", list(PAGE_POINTS))
def test_every_page_renders_at_its_paper_size_with_embedded_fonts(folders: dict[str, Path], kind: str, name: str,
                                                                  tmp_path: Path) -> None:
    pdf = folders[kind] / "report" / name
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(tmp_path / "page")], check=True,
                   capture_output=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        width, height = Image.open(page).size  # pdftoppm rounds A4's 595.28 points up
        assert abs(width - PAGE_POINTS[name][0]) <= 1 and abs(height - PAGE_POINTS[name][1]) <= 1
        assert Image.open(page).convert("L").getextrema()[0] < 100  # something is printed on it
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column


@pytest.mark.parametrize("kind", ["compare", "history", "sweep"])
def test_every_figure_is_printed_with_its_caption(folders: dict[str, Path], kind: str) -> None:
    folder = load(folders[kind])
    figures = [figure for name in kinds_for(folder) for figure in KINDS[name][1](folder)]
    text = " ".join(_pdftotext(folders[kind] / "report" / "brief.pdf").split())
    for number, figure in enumerate(figures, start=1):
        assert f"Figure {number}. {figure.title}." in text
        assert " ".join(figure.caption.split()[:6]) in text
    assert f"Figure {len(figures) + 1}." not in text
    for heading in ("Key numbers", "Scenarios", "Assumptions and limits", "Provenance", "How to cite."):
        assert heading in text
    assert "##" not in text and "`" not in text and "{" not in text  # typeset, not markup or JSON


def test_history_run_reports_the_years_of_its_window(folders: dict[str, Path]) -> None:
    key = report.key_numbers(load(folders["history"]))
    assert list(key.table.columns)[1:3] == ["States Parties, end 2020", "States Parties, end 2025"]
    cells = key.table.to_numpy().ravel().tolist()
    assert not any(re.search(r"nan|n/a", cell, re.IGNORECASE) for cell in cells)
    assert re.fullmatch(r"\d+ \(\d+\u2013\d+\)", key.table.iloc[0, 2])  # whole parties and their 90 % range
    text = _pdftotext(folders["history"] / "report" / "brief.pdf")
    assert "at the end of 2025 in the median run" in " ".join(text.split())
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert report.headline(load(folders["history"]))[0].startswith("Under history-2016, the Rome Statute has ")


def test_compare_key_numbers_match_the_comparison_table(folders: dict[str, Path]) -> None:
    key = report.key_numbers(load(folders["compare"])).table.set_index("Scenario")
    comparison = pd.read_csv(folders["compare"] / "comparison.csv").set_index("scenario")
    row = comparison.loc["democratic-return"]
    assert key.at["democratic-return", "States Parties, end 2035"].startswith(f"{row['parties_2035_median']:.0f} (")
    assert key.at["democratic-return", "\u2265 1 further exit by 2035"] == \
        f"{100 * row['p_further_exits_ge1_by_2035']:.0f} %"
    mean = f"{row['diff_parties_2035_mean']:+.1f}".replace("-", "\u2212")
    assert key.at["democratic-return", "Difference from baseline, 2035"].startswith(mean)
    assert key.at["baseline", "Difference from baseline, 2035"] == "reference"


def test_html_is_self_contained_and_markdown_is_plain(folders: dict[str, Path]) -> None:
    out = folders["compare"] / "report"
    html = (out / "brief.html").read_text()
    figures = len(list((out / "figures").glob("*.png")))
    assert html.count("src=\"data:image/png;base64,") == figures >= 5
    assert "src=\"figures/" not in html and "<table>" in html
    text = (out / "brief.md").read_text()
    assert text.startswith("# Scenarios compared: 2 futures for the Rome Statute")
    assert "| democratic-return |" in text and "The juntas of Mali, Burkina Faso and Niger hand power" in text
    assert "](figures/compare.png)" in text and "**Figure 1." in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def test_same_results_same_brief_bytes(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folders["sweep"], copy)
    shutil.rmtree(copy / "report")
    assert main(["report", str(copy)]) == 0
    for name in ("brief.pdf", "brief-letter.pdf", "brief.md"):
        assert (copy / "report" / name).read_bytes() == (folders["sweep"] / "report" / name).read_bytes()


def test_brief_of_an_incomplete_folder_exits_2(folders: dict[str, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(folders["compare"], broken)
    (broken / "comparison.csv").unlink()
    assert main(["report", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "missing" in err and "comparison.csv" in err and err.count("\n") == 1
