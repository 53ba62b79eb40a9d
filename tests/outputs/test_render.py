"""Figures from saved results: every kind and format, the plotted numbers, provenance and bad folders."""

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
import matplotlib.pyplot as plt
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from sim.core.errors import UserError
from sim.core.params import Params
from sim.interfaces.cli import main
from sim.data import boundaries, datasets
from sim.data.world import IN_STATUTE, build_world
from sim.outputs import figures, render
from sim.store.exits import wilson_interval
from sim.store.folders import load


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("results")
    made = {"run": base / "run", "compare": base / "compare", "sweep": base / "sweep"}
    assert main(["run", "baseline", "--runs", "12", "--seed", "4", "--out", str(made["run"])]) == 0
    assert main(["compare", "baseline", "coup-wave", "--runs", "8", "--seed", "4", "--out", str(made["compare"])]) == 0
    assert main(["sweep", "baseline", "--design", "sobol", "--samples", "8", "--vary", "a0=-9:-7", "--vary",
                 "b_peer=1:4", "--runs", "3", "--workers", "1", "--out", str(made["sweep"])]) == 0
    return made


@pytest.mark.parametrize("kind, expected", [("run", {"membership", "population", "cascade", "risk", "map"}),
                                            ("compare", {"compare", "difference", "cascade", "risk", "map"}),
                                            ("sweep", {"heatmap", "sensitivity"})])
def test_every_kind_renders_in_every_format(folders: dict[str, Path], kind: str, expected: set[str]) -> None:
    written = render.plot_folder(folders[kind], formats=render.FORMATS, size="double")
    names = {p.name for p in written}
    for figure in expected:
        assert {f"{figure}.png", f"{figure}.pdf", f"{figure}.svg", f"{figure}.csv", f"{figure}.caption.txt"} <= names
        out = folders[kind] / "figures"
        assert Image.open(out / f"{figure}.png").info["dpi"][0] == pytest.approx(300, abs=1)
        assert (out / f"{figure}.pdf").read_bytes().startswith(b"%PDF")
        assert ElementTree.parse(out / f"{figure}.svg").getroot().tag.endswith("svg")
        caption = (out / f"{figure}.caption.txt").read_text()
        assert "root seed 4" in caption or kind == "sweep"
        assert "data to 2026-11-27" in caption


def test_sizes_are_journal_columns(folders: dict[str, Path]) -> None:
    for size, inches in (("single", 3.5), ("double", 7.2)):
        render.plot_folder(folders["run"], ["population"], ("png",), size)
        width = Image.open(folders["run"] / "figures" / "population.png").size[0]
        assert width == round(inches * 300)  # exactly the column width


def test_plotted_numbers_equal_the_result_tables(folders: dict[str, Path]) -> None:
    render.plot_folder(folders["run"])
    figures = folders["run"] / "figures"
    summary = pd.read_csv(folders["run"] / "summary.csv")
    membership = pd.read_csv(figures / "membership.csv").dropna(subset=["median"])
    parties = summary[summary["measure"] == "parties"].reset_index(drop=True)
    assert np.allclose(membership["median"], parties["median"]) and np.allclose(membership["q05"], parties["q05"])
    assert membership.loc[membership["month"] == "2027-06", "effective"].item() == "BFA, MLI, NER"
    events = pd.read_csv(folders["run"] / "events.csv")
    risk = pd.read_csv(figures / "risk.csv")
    announced = events[events["event"] == "announced"].groupby("iso3")["run"].nunique() / 12
    assert np.allclose(risk["probability"], announced.loc[risk["iso3"]].to_numpy())
    assert (risk["low"] <= risk["probability"]).all() and (risk["probability"] <= risk["high"]).all()
    runs = pd.read_csv(folders["run"] / "runs.csv")
    cascade = pd.read_csv(figures / "cascade.csv")
    final = runs["further_exits"]
    assert list(cascade["at_least"]) == list(range(1, max(final.max(), 1) + 1))
    assert np.allclose(cascade["share_of_runs"], [(final >= k).mean() for k in cascade["at_least"]])
    assert cascade["share_of_runs"].is_monotonic_decreasing


def test_map_draws_every_state_and_never_colours_non_parties_by_risk(folders: dict[str, Path]) -> None:
    render.plot_folder(folders["run"], ["map"])
    data = pd.read_csv(folders["run"] / "figures" / "map.csv", keep_default_na=False)
    assert set(data["iso3"]) == set(datasets.states()["iso3"]) and len(data) == 195
    assert set(data["drawn_as"]) == {"outline", "marker"}  # nothing left undrawn
    assert {"HUN", "SRB", "MMR"} <= set(data.loc[data["drawn_as"] == "outline", "iso3"])
    assert {"TUV", "MCO", "SMR", "NRU"} <= set(data.loc[data["drawn_as"] == "marker", "iso3"])
    status = build_world(dt.date(2026, 11, 1)).table.set_index("iso3")["status"]
    outside = data[~data["iso3"].map(status).isin(IN_STATUTE)]
    assert {"USA", "CHN", "RUS", "IND", "BDI", "PHL"} <= set(outside["iso3"])
    scale = {to_hex(colormaps[figures.RISK_MAP](x)) for x in np.linspace(0, 1, 256)}
    assert (outside["fill"] == figures.NON_PARTY).all() and figures.NON_PARTY not in scale
    inside = data[data["iso3"].map(status).isin(IN_STATUTE)]
    assert inside["fill"].isin(scale).all()
    risk = pd.read_csv(folders["run"] / "figures" / "risk.csv")
    assert np.allclose(data.set_index("iso3").loc[risk["iso3"], "probability"], risk["probability"])
    # what is drawn is what the table says: the states' face colours, in outline order
    figure = figures.world_map(load(folders["run"]))[0]
    canvas = Figure(figsize=(7.2, 3))
    figure.draw(canvas, figure.data)
    collection = next(c for c in canvas.axes[0].collections if c.get_gid() == "states")
    order = [iso3 for iso3, parts in boundaries.outlines().items() for _ in parts]
    drawn = [to_hex(c) for c in collection.get_facecolors()]
    assert drawn == [data.set_index("iso3").at[iso3, "fill"] for iso3 in order]


@pytest.mark.parametrize("kind", ["run", "compare", "sweep"])
def test_no_text_below_six_and_a_half_points_and_no_raw_codes(folders: dict[str, Path], kind: str) -> None:
    folder = load(folders[kind])
    for name in figures.kinds_for(folder):
        for figure in figures.KINDS[name][1](folder):
            with plt.style.context(render.STYLE):
                canvas = plt.figure(figsize=render.size_of(figure, 3.5))
                figure.draw(canvas, figure.data)
                canvas.canvas.draw()
                texts = [t for t in canvas.findobj(Text) if t.get_text().strip() and t.get_visible()]
                plt.close(canvas)
            assert min(t.get_fontsize() for t in texts) >= 6.5, name
            shown = re.sub(r"\(\w+\)", "", " ".join(t.get_text() for t in texts))  # "(b_peer)" after a label
            words = set(re.findall(r"[\w*]+", shown))
            raw = {"USA_ISR", "FRA_EU", "NONE", "divergence", "S1", "ST", "mu_star"} | set(Params.specs())
            assert not words & raw, (name, words & raw)


def test_palette_has_twelve_distinct_colours() -> None:
    assert len(set(figures.colours(12))) == 12


def test_compare_and_heatmap_numbers(folders: dict[str, Path]) -> None:
    render.plot_folder(folders["compare"], ["compare"])
    data = pd.read_csv(folders["compare"] / "figures" / "compare.csv")
    series = pd.read_csv(folders["compare"] / "coup-wave" / "timeseries.csv")
    base = pd.read_csv(folders["compare"] / "baseline" / "timeseries.csv")
    rows = data[data["scenario"] == "coup-wave"].set_index("month")
    assert np.allclose(rows["median"], series.groupby("month")["parties"].median())
    assert np.allclose(rows["q05"], series.groupby("month")["parties"].quantile(0.05))
    render.plot_folder(folders["compare"], ["difference"])
    difference = pd.read_csv(folders["compare"] / "figures" / "difference.csv")
    comparison = pd.read_csv(folders["compare"] / "comparison.csv").set_index("scenario")
    assert list(difference["scenario"]) == ["coup-wave"] and difference["month"].item() == "2035-12"
    for ours, theirs in (("mean", "diff_parties_2035_mean"), ("mean_lo", "diff_parties_2035_mean_lo"),
                         ("mean_hi", "diff_parties_2035_mean_hi"), ("q05", "diff_parties_2035_q05")):
        assert difference[ours].item() == pytest.approx(comparison.at["coup-wave", theirs])
    at_end = series[series["month"] == "2035-12"].set_index("run")["parties"]
    paired = at_end - base[base["month"] == "2035-12"].set_index("run")["parties"]
    assert difference["mean"].item() == pytest.approx(paired.mean())
    render.plot_folder(folders["sweep"], ["heatmap"])
    heat = pd.read_csv(folders["sweep"] / "figures" / "heatmap.csv")
    runs = pd.read_csv(folders["sweep"] / "runs.csv")
    points = runs.groupby("point").agg(b_peer=("b_peer", "first"), a0=("a0", "first"),
                                       parties_end=("parties_end", "mean"))
    assert points["a0"].nunique() > 12 and points["b_peer"].nunique() > 12  # so both axes are binned
    for name in ("a0", "b_peer"):  # 6 equal-width bins, each named by its midpoint (3 significant digits)
        points[name] = pd.cut(points[name], 6).apply(lambda interval: float(f"{interval.mid:.3g}")).astype(float)
        runs[name] = runs["point"].map(points[name])
    expected = points.groupby(["b_peer", "a0"], as_index=False)["parties_end"].mean()
    spread = runs.groupby(["b_peer", "a0"])["parties_end"].agg(["std", "count"]).reset_index()
    assert set(heat.columns) == {"a0", "b_peer", "parties_end_mean", "mcse"} and len(heat) == len(expected) > 16
    merged = heat.merge(expected, on=["b_peer", "a0"]).merge(spread, on=["b_peer", "a0"])
    assert len(merged) == len(heat) and np.allclose(merged["parties_end_mean"], merged["parties_end"])
    assert np.allclose(merged["mcse"], merged["std"] / np.sqrt(merged["count"]), equal_nan=True)
    caption = (folders["sweep"] / "figures" / "heatmap.caption.txt").read_text()
    a0 = json.loads((folders["sweep"] / "manifest.json").read_text())["resolved"]["parameters"]["a0"]
    assert "Monte Carlo standard error" in caption
    assert ("outlined cell" in caption) == (-9 <= a0 <= -7) != ("outside the swept ranges" in caption)
    render.plot_folder(folders["sweep"], ["sensitivity"])
    indices = pd.read_csv(folders["sweep"] / "figures" / "sensitivity.csv")
    assert indices["low"].between(0, 1).all() and indices["high"].between(0, 1).all()
    raw = pd.read_csv(folders["sweep"] / "sensitivity.csv")
    assert np.allclose(indices["value"], raw["value"])  # the table keeps the raw estimates


def test_provenance_reads_back_from_png_and_pdf(folders: dict[str, Path]) -> None:
    render.plot_folder(folders["run"], ["membership"], ("png", "pdf"))
    figures = folders["run"] / "figures"
    source = json.loads(Image.open(figures / "membership.png").text["Source"])
    assert source["scenarios"] == ["baseline"] and source["runs"] == 12 and source["seed"] == 4
    assert source["horizon"] == "2035-12" and source["data_end"] == "2026-11-27"
    pdf = (figures / "membership.pdf").read_bytes().decode("latin-1")
    keywords = re.search(r"/Keywords \((.*?)\)\n", pdf).group(1)
    assert json.loads(keywords) == source


def test_same_results_same_figure_bytes(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folders["run"], copy)
    for folder in (folders["run"], copy):
        render.plot_folder(folder, ["risk"], ("png", "pdf", "svg"))
    for suffix in ("png", "pdf", "svg", "csv"):
        assert (copy / "figures" / f"risk.{suffix}").read_bytes() == (
            folders["run"] / "figures" / f"risk.{suffix}").read_bytes()


def test_missing_tables_and_wrong_kinds_exit_2(folders: dict[str, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(folders["run"], broken)
    (broken / "summary.csv").unlink()
    assert main(["plot", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken/summary.csv: missing; the folder is damaged" in err and err.count("\n") == 1
    assert main(["plot", str(folders["sweep"]), "--kind", "membership"]) == 2
    assert "not for a sweep folder (available: heatmap, sensitivity)" in capsys.readouterr().err
    assert main(["plot", str(folders["run"]), "--format", "png,gif"]) == 2
    assert "choose from png, pdf, svg" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "nowhere")]) == 2
    capsys.readouterr()
    (broken / "summary.csv").write_text("what,ever\n1,2\n")
    assert main(["plot", str(broken)]) == 2
    assert "broken/summary.csv: 1 rows where" in capsys.readouterr().err
    with pytest.raises(UserError, match="no manifest.json"):
        load(tmp_path)


@pytest.mark.parametrize("runs", [1, 7, 200, 10_000])
def test_the_risk_intervals_are_scipys_wilson_intervals(runs: int) -> None:
    for k in sorted({0, 1, runs // 3, runs - 1, runs}):
        expected = binomtest(k, runs).proportion_ci(confidence_level=0.9, method="wilson")
        assert wilson_interval(k, runs, 0.9) == (expected.low, expected.high)
