"""Render figures for papers: PNG (300 dpi), PDF and SVG in the shipped style, each with the CSV of the
plotted numbers, a caption file and the provenance embedded in the file's metadata."""

import importlib.resources
import io
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure as Canvas  # noqa: E402

from sim import __version__  # noqa: E402
from sim.core.errors import UserError  # noqa: E402
from sim.outputs.figures import KINDS, Figure, kinds_for  # noqa: E402
from sim.store.atomic import staged_files, write_file, write_text  # noqa: E402
from sim.store.folders import ResultFolder, load  # noqa: E402
from sim.store.output import write_csv  # noqa: E402

FORMATS = ("png", "pdf", "svg")
WIDTHS = {"single": 3.5, "double": 7.2, "page": 6.6}  # inches: one and two journal columns; the text
# width of an A4 or Letter page with 2 cm margins (a brief's figures are printed at this size, unscaled)
STYLE = Path(str(importlib.resources.files("sim.outputs"))) / "style" / "iccsim.mplstyle"
# The style's settings, validated once at import: solara's server (iccsim explore) later replaces
# matplotlib's settings by a per-session dict that stores values as given, unvalidated.
STYLE_RC = dict(matplotlib.rc_params_from_file(STYLE, use_default_template=False))


def caption_text(figure: Figure, provenance: dict[str, Any]) -> str:
    """The caption file: what is shown, then where it comes from."""
    return (f"{figure.title}\n\n{figure.caption}\n\n"
            f"Scenario(s): {', '.join(figure.scenarios or provenance['scenarios'])}. "
            f"Runs: {provenance['runs']} {provenance['runs_per']}, root seed {provenance['seed']}. "
            f"Window: {provenance['start']} to {provenance['horizon']}. "
            f"iccsim {provenance['iccsim_version']} (commit {provenance['git_commit'] or 'unknown'}), "
            f"data to {provenance['data_end']}. Numbers plotted: {figure.name}.csv.\n")


def _metadata(fmt: str, figure: Figure, provenance: dict[str, Any]) -> dict[str, Any]:
    source = json.dumps(provenance, sort_keys=True)
    if fmt == "png":
        return {"Title": figure.title, "Description": figure.caption, "Source": source, "Software": None}
    if fmt == "pdf":
        return {"Title": figure.title, "Subject": figure.caption, "Keywords": source,
                "Creator": f"iccsim {__version__}", "Producer": None, "CreationDate": None}
    return {"Title": figure.title, "Description": f"{figure.caption} Provenance: {source}",
            "Creator": f"iccsim {__version__}", "Date": None}


def size_of(figure: Figure, width: float) -> tuple[float, float]:
    """Width and height in inches: the figure's aspect (its one-column aspect when narrow), at least its
    minimum height."""
    aspect = figure.narrow_aspect if figure.narrow_aspect and width < 5 else figure.aspect
    return width, max(width * aspect, figure.min_height)


def draw(figure: Figure, size: str = "single", titled: bool = True) -> Canvas:
    """The figure drawn on a matplotlib canvas in the shipped style, at a journal column width."""
    with matplotlib.rc_context(STYLE_RC):
        canvas = Canvas(figsize=size_of(figure, WIDTHS[size]))  # not pyplot's: no backend, nothing to close
        if titled:
            canvas.suptitle(figure.title, fontsize=8)
        figure.draw(canvas, figure.data)
    return canvas


def png(figure: Figure, size: str, dpi: int) -> bytes:
    """The figure as PNG bytes (for a screen: no metadata, no files)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE_RC):  # the layout is made when saving, in the style's settings too
        draw(figure, size).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def render(figure: Figure, out: Path, formats: tuple[str, ...], size: str, provenance: dict[str, Any],
           titled: bool = True) -> list[Path]:
    """Write the figure in each format with its CSV and caption; return the files written. A brief's
    figures are `titled=False`: their title goes in the typeset caption."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with matplotlib.rc_context(STYLE_RC):
        canvas = draw(figure, size, titled)
        for fmt in formats:
            written.append(write_file(out / f"{figure.name}.{fmt}", lambda temporary: canvas.savefig(
                temporary, format=fmt, metadata=_metadata(fmt, figure, provenance))))
    written.append(write_csv(out / f"{figure.name}.csv", figure.data))
    written.append(write_text(out / f"{figure.name}.caption.txt", caption_text(figure, provenance)))
    return written


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"--format {text!r}: choose from {', '.join(FORMATS)} (comma-separated)")
    return formats


def plot_folder(path: Path, kinds: list[str] | None = None, formats: tuple[str, ...] = ("png",),
                size: str = "single") -> list[Path]:
    """Render the figures of a saved results folder into its `figures/` folder."""
    folder = load(path)
    return plot(folder, kinds, formats, size, folder.path / "figures")


def plot(folder: ResultFolder, kinds: list[str] | None, formats: tuple[str, ...], size: str,
         out: Path, titled: bool = True) -> list[Path]:
    """Render the chosen kinds (default: all that fit the folder) into `out`."""
    available = kinds_for(folder)
    chosen = kinds or available
    wrong = [k for k in chosen if k not in available]
    if wrong:
        known = [k for k in wrong if k in KINDS]
        problem = "not for a" if known else "unknown kind"
        raise UserError(f"--kind {', '.join(wrong)}: {problem} {folder.kind} folder (available: "
                        f"{', '.join(available)})")
    provenance = folder.provenance()
    written = []
    with staged_files(out) as staging:  # all the figures or, if one fails, none
        for kind in chosen:
            for figure in KINDS[kind][1](folder):
                written += render(figure, staging, formats, size, provenance, titled)
    return [out / path.relative_to(staging) for path in written]
