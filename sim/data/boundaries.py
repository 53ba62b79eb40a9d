"""Country outlines for maps: Natural Earth admin-0 at 1:110m (public domain), shipped as
`data/boundaries.geojson` (see SOURCES.md), so maps need no download. States too small for that scale
are markers at their capitals; land that is not a state of the model (Greenland, Western Sahara, ...)
is kept as background."""

import functools
import json

import numpy as np

from sim.data import datasets

Polygon = list[np.ndarray]  # exterior ring first, then any holes; each an (n, 2) array of lon, lat


@functools.cache
def _features() -> list[dict]:
    text = (datasets.data_dir() / "boundaries.geojson").read_text(encoding="utf-8")
    return json.loads(text)["features"]


def _polygons(geometry: dict) -> list[Polygon]:
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[np.asarray(ring, dtype=float) for ring in polygon] for polygon in parts]


@functools.cache
def outlines() -> dict[str, list[Polygon]]:
    """ISO3 -> polygons, for every state drawn as an outline."""
    return {f["properties"]["iso3"]: _polygons(f["geometry"]) for f in _features()
            if f["properties"]["kind"] == "state"}


@functools.cache
def markers() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) of the capital, for states too small for an outline at 1:110m."""
    return {f["properties"]["iso3"]: tuple(f["geometry"]["coordinates"]) for f in _features()
            if f["properties"]["kind"] == "marker"}


@functools.cache
def territories() -> list[Polygon]:
    """Polygons of land outside the model's states, drawn as background."""
    return [polygon for f in _features() if f["properties"]["kind"] == "territory"
            for polygon in _polygons(f["geometry"])]
